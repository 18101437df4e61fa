// The $k projects nearest to project $id (never itself) or to $vector, from the vector index.
OPTIONAL MATCH (q:Project {id: $id})
WITH CASE WHEN $id IS NULL THEN $vector ELSE q.embedding END AS v
WHERE v IS NOT NULL
CALL db.index.vector.queryNodes('project_embedding', $k + 1, v) YIELD node, score
WITH node, score WHERE $id IS NULL OR node.id <> $id
RETURN node.id AS id, 2.0 * score - 1.0 AS similarity
ORDER BY similarity DESC, id LIMIT $k
