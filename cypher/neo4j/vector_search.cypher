// k nearest nodes by cosine similarity; index names follow schema.cypher (label_embedding).
// Nodes come back as id and name only: a read never returns a vector.
// Neo4j scores cosine as (1 + cos) / 2 in [0, 1]; 2 * score - 1 gives back the cosine in
// [-1, 1], the same scale FalkorDB's 1 - distance has, so callers see one meaning of `score`.
CALL db.index.vector.queryNodes(toLower($label) + '_' + $prop, $k, $vector) YIELD node, score
RETURN {id: node.id, name: node.name} AS node, 2.0 * score - 1.0 AS score
ORDER BY score DESC
