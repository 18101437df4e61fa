// CI run metrics keyed by run id: a later attempt replaces an earlier one, never the reverse,
// so a replayed or out-of-order delivery changes nothing. Returns how many points were new.
UNWIND $rows AS r
MATCH (p:Project {id: r.project})
OPTIONAL MATCH (old:Metric {id: r.id})
WITH r, p, old IS NULL AS isNew, coalesce(old.attempt, 0) AS oldAttempt
WHERE isNew OR oldAttempt <= r.props.attempt
MERGE (m:Metric {id: r.id})
ON CREATE SET m.addedBy = r.by, m.addedAt = r.at  // a later attempt updates, the first one added
SET m += r.props
MERGE (p)-[:HAS_METRIC]->(m)
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
