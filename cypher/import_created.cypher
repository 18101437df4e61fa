// (Person)-[:CREATED]->(Artifact) from an artifact's createdBy, when that person is known.
UNWIND $rows AS r
MATCH (u:Person {id: r.person})
MATCH (a:Artifact {id: r.artifact})
OPTIONAL MATCH (u)-[old:CREATED]->(a)
WITH u, a, old IS NULL AS isNew
MERGE (u)-[:CREATED]->(a)
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
