// (Project)-[:USED {context}]->(Artifact): one edge per project, artifact and context.
UNWIND $rows AS r
MATCH (p:Project {id: r.project})
MATCH (a:Artifact {id: r.artifact})
OPTIONAL MATCH (p)-[old:USED {context: r.context}]->(a)
WITH r, p, a, old IS NULL AS isNew
MERGE (p)-[u:USED {context: r.context}]->(a)
SET u += r.props
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
