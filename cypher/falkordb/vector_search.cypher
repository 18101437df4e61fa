// k nearest nodes by cosine similarity (FalkorDB returns a distance; similarity = 1 - distance).
CALL db.idx.vector.queryNodes($label, $prop, $k, vecf32($vector)) YIELD node, score
RETURN properties(node) AS node, 1.0 - score AS score
ORDER BY score DESC
