// Metric points of each project, optionally of one type and since a time; oldest first.
UNWIND $ids AS pid
MATCH (:Project {id: pid})-[:HAS_METRIC]->(m:Metric)
WHERE ($type IS NULL OR m.type = $type) AND ($since IS NULL OR m.at >= $since)
WITH pid, m ORDER BY m.at, m.type, m.id
WITH pid, collect({node: properties(m)}) AS rows
RETURN pid AS id, size(rows) AS total, rows[$skip..($skip + $limit)] AS page
