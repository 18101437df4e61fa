// The $k artifacts nearest to $vector from the HNSW index (distance: lower is closer).
CALL db.idx.vector.queryNodes('Artifact', 'embedding', $k, vecf32($vector)) YIELD node, score
RETURN node.id AS id, 1.0 - score AS similarity
ORDER BY similarity DESC, id
