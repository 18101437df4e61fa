// Cosine similarity of project $id (or $vector) to each project of $ids that has a vector.
// coalesce: with $id null, `{id: $id}` scanned every project (27 ms at 100k); '' is an index lookup that finds none.
OPTIONAL MATCH (q:Project {id: coalesce($id, '')})
WITH CASE WHEN $id IS NULL THEN vecf32($vector) ELSE q.embedding END AS v
WHERE v IS NOT NULL
UNWIND $ids AS cid
MATCH (c:Project {id: cid}) WHERE c.embedding IS NOT NULL
RETURN c.id AS id, 1.0 - vec.cosineDistance(c.embedding, v) AS similarity
