// The $k artifacts nearest to $vector from the vector index (ids and similarity only).
CALL db.index.vector.queryNodes('artifact_embedding', $k, $vector) YIELD node, score
RETURN node.id AS id, 2.0 * score - 1.0 AS similarity
ORDER BY similarity DESC, id
