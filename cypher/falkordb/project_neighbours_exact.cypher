// The $k projects nearest to project $id (never itself) or to $vector, by exact cosine.
// Exact search scans every vector: used below MAESTRO_EMBEDDING_EXACT_MAX_NODES, where it is cheap.
// coalesce: with $id null, `{id: $id}` scanned every project (27 ms at 100k); '' is an index lookup that finds none.
OPTIONAL MATCH (q:Project {id: coalesce($id, '')})
WITH CASE WHEN $id IS NULL THEN vecf32($vector) ELSE q.embedding END AS v
WHERE v IS NOT NULL
MATCH (c:Project) WHERE c.embedding IS NOT NULL AND ($id IS NULL OR c.id <> $id)
WITH c, 1.0 - vec.cosineDistance(c.embedding, v) AS similarity
ORDER BY similarity DESC, c.id LIMIT $k
RETURN c.id AS id, similarity
