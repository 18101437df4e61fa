// The $k projects nearest to project $id (never itself) or to $vector, from the HNSW index
// (efRuntime chosen in schema.cypher from bench/vector_recall.py at 100k). Distance: lower is closer.
// coalesce: with $id null, `{id: $id}` scanned every project (27 ms at 100k); '' is an index lookup that finds none.
OPTIONAL MATCH (q:Project {id: coalesce($id, '')})
WITH CASE WHEN $id IS NULL THEN vecf32($vector) ELSE q.embedding END AS v
WHERE v IS NOT NULL
CALL db.idx.vector.queryNodes('Project', 'embedding', $k + 1, v) YIELD node, score
WITH node, score WHERE $id IS NULL OR node.id <> $id
RETURN node.id AS id, 1.0 - score AS similarity
ORDER BY similarity DESC, id LIMIT $k
