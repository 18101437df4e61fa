// Ids of artifacts used by a project named $value.
MATCH (p:Project)-[:USED]->(a:Artifact)
WHERE p.name = $value
RETURN collect(DISTINCT a.id) AS ids
