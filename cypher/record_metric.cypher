// Add one metric point of a project; an existing point (same id) is changed only when $replace.
// No row when the project is unknown or the point exists and $replace is false.
MATCH (p:Project {id: $projectId})
OPTIONAL MATCH (old:Metric {id: $id})
WITH p, old WHERE old IS NULL OR $replace
MERGE (m:Metric {id: $id})
ON CREATE SET m.addedBy = $by, m.addedAt = $now
ON MATCH SET m.updatedBy = $by, m.updatedAt = $now
SET m += $props
MERGE (p)-[:HAS_METRIC]->(m)
RETURN properties(m) AS metric
