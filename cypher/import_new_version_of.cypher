// (Artifact)-[:NEW_VERSION_OF]->(Artifact) lineage edges.
UNWIND $rows AS r
MATCH (a:Artifact {id: r.from})
MATCH (b:Artifact {id: r.to})
OPTIONAL MATCH (a)-[old:NEW_VERSION_OF]->(b)
WITH r, a, b, old IS NULL AS isNew
MERGE (a)-[e:NEW_VERSION_OF]->(b)
SET e += r.props
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
