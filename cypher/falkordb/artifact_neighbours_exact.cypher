// The $k artifacts nearest to $vector by exact cosine (ids and similarity only, never vectors).
MATCH (a:Artifact) WHERE a.embedding IS NOT NULL
WITH a, 1.0 - vec.cosineDistance(a.embedding, vecf32($vector)) AS similarity
ORDER BY similarity DESC, a.id LIMIT $k
RETURN a.id AS id, similarity
