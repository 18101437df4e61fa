// One page of what "projects like mine" compares (the columns of similarity_projects): the
// projects whose id follows $after, in id order, at most $limit. The service reads a large graph
// page by page, so no single statement outlives the store's timeout. Never the vector.
MATCH (p:Project) WHERE p.id > $after
WITH p ORDER BY p.id LIMIT $limit
OPTIONAL MATCH (p)-[:USED]->(a:Artifact)
WITH p, collect(DISTINCT {id: a.id, name: a.name}) AS used
OPTIONAL MATCH (u:Person)-[:MEMBER_OF]->(p)
RETURN p.id AS id, p.name AS name, p.description AS description, p.problemClass AS problemClass,
       p.tags AS tags, [x IN used WHERE x.id IS NOT NULL] AS artifacts, collect(DISTINCT u.id) AS people
ORDER BY id
