// Everything "projects like mine" compares, per project: its text fields, the artifacts it used
// and its people. Read once per graph version and cached by the service; never the vector.
MATCH (p:Project)
OPTIONAL MATCH (p)-[:USED]->(a:Artifact)
WITH p, collect(DISTINCT {id: a.id, name: a.name}) AS used
OPTIONAL MATCH (u:Person)-[:MEMBER_OF]->(p)
RETURN p.id AS id, p.name AS name, p.description AS description, p.problemClass AS problemClass,
       p.tags AS tags, [x IN used WHERE x.id IS NOT NULL] AS artifacts, collect(DISTINCT u.id) AS people
ORDER BY id
