// One page of metric points for `maestro export`, after the id $after in id order (keyset paging).
MATCH (p:Project)-[:HAS_METRIC]->(n:Metric)
WHERE n.id > $after
WITH p, n ORDER BY n.id
LIMIT $limit
RETURN n.id AS key, p.id AS project, properties(n) AS props
