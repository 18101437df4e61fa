// k nearest nodes by cosine similarity (FalkorDB returns a distance; similarity = 1 - distance).
// Nodes come back as id and name only: a read never returns a vector.
CALL db.idx.vector.queryNodes($label, $prop, $k, vecf32($vector)) YIELD node, score
RETURN {id: node.id, name: node.name} AS node, 1.0 - score AS score
ORDER BY score DESC
