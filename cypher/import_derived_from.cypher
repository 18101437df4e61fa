// (Artifact)-[:DERIVED_FROM]->(Artifact) lineage edges.
UNWIND $rows AS r
MATCH (a:Artifact {id: r.from})
MATCH (b:Artifact {id: r.to})
OPTIONAL MATCH (a)-[old:DERIVED_FROM]->(b)
WITH r, a, b, old IS NULL AS isNew
MERGE (a)-[e:DERIVED_FROM]->(b)
SET e += r.props
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
