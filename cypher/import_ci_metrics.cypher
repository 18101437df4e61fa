// CI run metrics keyed by run id: a later attempt replaces an earlier one, never the reverse,
// so a replayed or out-of-order delivery changes nothing. Returns how many points were new.
UNWIND $rows AS r
MATCH (p:Project {id: r.project})
OPTIONAL MATCH (old:Metric {id: r.id})
WITH r, p, old IS NULL AS isNew, coalesce(old.attempt, 0) AS oldAttempt
WHERE isNew OR oldAttempt <= r.props.attempt
MERGE (m:Metric {id: r.id})
SET m += r.props
SET m.addedBy = coalesce(m.addedBy, r.by), m.addedAt = coalesce(m.addedAt, r.at)  // who first added it, as in import_projects
MERGE (p)-[:HAS_METRIC]->(m)
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
