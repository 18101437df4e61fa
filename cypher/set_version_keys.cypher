// Store computed version sort keys.
UNWIND $rows AS r
MATCH (a:Artifact {id: r.id})
SET a.versionKey = r.versionKey
RETURN count(a) AS updated
