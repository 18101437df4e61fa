// Delete a project with its metric points and predictions; returns how many projects went.
MATCH (p:Project {id: $id})
OPTIONAL MATCH (p)-[:HAS_METRIC]->(m:Metric)
OPTIONAL MATCH (x:Prediction)-[:FOR]->(p)
WITH p, collect(DISTINCT m) + collect(DISTINCT x) AS owned
FOREACH (n IN owned | DETACH DELETE n)
DETACH DELETE p
RETURN count(p) AS deleted
