// Cosine similarity of project $id (or $vector) to each project of $ids that has a vector.
OPTIONAL MATCH (q:Project {id: $id})
WITH CASE WHEN $id IS NULL THEN $vector ELSE q.embedding END AS v
WHERE v IS NOT NULL
UNWIND $ids AS cid
MATCH (c:Project {id: cid}) WHERE c.embedding IS NOT NULL
RETURN c.id AS id, 2.0 * vector.similarity.cosine(c.embedding, v) - 1.0 AS similarity
