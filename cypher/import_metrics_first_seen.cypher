// Metric points that record when something was first observed (a model version reaching the
// production alias): created once, never moved by a later run. Returns how many were new.
UNWIND $rows AS r
MATCH (p:Project {id: r.project})
OPTIONAL MATCH (old:Metric {id: r.id})
WITH r, p, old IS NULL AS isNew
MERGE (m:Metric {id: r.id})
ON CREATE SET m += r.props
MERGE (p)-[:HAS_METRIC]->(m)
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
