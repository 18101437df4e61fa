// Upsert Artifact nodes by id; returns how many were new.
UNWIND $rows AS r
OPTIONAL MATCH (old:Artifact {id: r.id})
WITH r, old IS NULL AS isNew
MERGE (n:Artifact {id: r.id})
ON CREATE SET n.addedBy = r.by, n.addedAt = r.at  // who imported it; a file's own audit fields (an export) win below
SET n += r.props
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
