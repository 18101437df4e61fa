// Add (or overwrite) one metric point of a project.
MATCH (p:Project {id: $projectId})
MERGE (m:Metric {id: $id})
SET m += $props
MERGE (p)-[:HAS_METRIC]->(m)
RETURN properties(m) AS metric
