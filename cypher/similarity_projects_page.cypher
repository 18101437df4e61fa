// One page of everything "projects like mine" compares, per project: its text fields, the
// artifacts it used and its people, for the projects whose id follows $after, in id order, at
// most $limit. The service reads a graph page by page (cached per graph version), so no single
// statement outlives the store's timeout on a large graph. Never the vector.
MATCH (p:Project) WHERE p.id > $after
WITH p ORDER BY p.id LIMIT $limit
OPTIONAL MATCH (p)-[:USED]->(a:Artifact)
WITH p, collect(DISTINCT {id: a.id, name: a.name}) AS used
OPTIONAL MATCH (u:Person)-[:MEMBER_OF]->(p)
RETURN p.id AS id, p.name AS name, p.description AS description, p.problemClass AS problemClass,
       p.tags AS tags, [x IN used WHERE x.id IS NOT NULL] AS artifacts, collect(DISTINCT u.id) AS people
ORDER BY id
