// One project's early metric means (first $horizonMs after its start), as in learn_metrics.
MATCH (p:Project {id: $id})-[:HAS_METRIC]->(m:Metric)
WHERE p.startedAt IS NOT NULL AND m.at < p.startedAt + $horizonMs
RETURN m.type AS type, avg(m.value) AS mean
