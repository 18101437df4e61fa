// k nearest nodes by cosine similarity; index names follow schema.cypher (label_embedding).
CALL db.index.vector.queryNodes(toLower($label) + '_' + $prop, $k, $vector) YIELD node, score
RETURN properties(node) AS node, score
ORDER BY score DESC
