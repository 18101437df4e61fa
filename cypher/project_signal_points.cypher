// One project's metric points of the given types (all types when $types is null), oldest first.
MATCH (:Project {id: $projectId})-[:HAS_METRIC]->(m:Metric)
WHERE $types IS NULL OR m.type IN $types
RETURN m.type AS type, m.value AS value, m.at AS at
ORDER BY at, type
