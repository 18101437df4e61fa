// Metric points (id derived from project, type and time) hung off their project.
UNWIND $rows AS r
MATCH (p:Project {id: r.project})
OPTIONAL MATCH (old:Metric {id: r.id})
WITH r, p, old IS NULL AS isNew
MERGE (m:Metric {id: r.id})
SET m += r.props
MERGE (p)-[:HAS_METRIC]->(m)
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
