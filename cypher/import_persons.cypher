// Upsert Person nodes by id; returns how many were new.
UNWIND $rows AS r
OPTIONAL MATCH (old:Person {id: r.id})
WITH r, old IS NULL AS isNew
MERGE (n:Person {id: r.id})
SET n += r.props
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
