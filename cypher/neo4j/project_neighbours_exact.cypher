// The $k projects nearest to project $id (never itself) or to $vector, by exact cosine.
OPTIONAL MATCH (q:Project {id: $id})
WITH CASE WHEN $id IS NULL THEN $vector ELSE q.embedding END AS v
WHERE v IS NOT NULL
MATCH (c:Project) WHERE c.embedding IS NOT NULL AND ($id IS NULL OR c.id <> $id)
WITH c, 2.0 * vector.similarity.cosine(c.embedding, v) - 1.0 AS similarity
ORDER BY similarity DESC, c.id LIMIT $k
RETURN c.id AS id, similarity
