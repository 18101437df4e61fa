// Metric points recorded before $horizonMs after each project's start: what is known when a
// prediction is made early in a project, so no feature depends on how long it went on to run.
MATCH (p:Project)-[:HAS_METRIC]->(m:Metric)
WHERE p.startedAt IS NOT NULL AND m.at < p.startedAt + $horizonMs
RETURN p.id AS project, m.type AS type, avg(m.value) AS mean
ORDER BY project, type
