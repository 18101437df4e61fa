// Store what a model predicted for a project: one Prediction per (project, model version), so a
// repeated call updates it and backtesting sees one row per version.
MATCH (p:Project {id: $projectId})
MERGE (x:Prediction {id: $id})
SET x += $props
MERGE (x)-[:FOR]->(p)
RETURN x.id AS id
