// The $k artifacts nearest to $vector by exact cosine (ids and similarity only, never vectors).
MATCH (a:Artifact) WHERE a.embedding IS NOT NULL
WITH a, 2.0 * vector.similarity.cosine(a.embedding, $vector) - 1.0 AS similarity
ORDER BY similarity DESC, a.id LIMIT $k
RETURN a.id AS id, similarity
