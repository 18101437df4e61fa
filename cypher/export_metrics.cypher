// One page of metric points for `maestro export`, with the project they belong to.
MATCH (p:Project)-[:HAS_METRIC]->(n:Metric)
WITH p, n ORDER BY n.id
SKIP $skip LIMIT $limit
RETURN p.id AS project, properties(n) AS props
