// One page of everything "projects like mine" compares (see ../similarity_projects_page.cypher).
// Neo4j walks the id index in order, so paging in id order costs no sort here; without ORDER BY
// the order of a label scan is not promised between statements.
MATCH (p:Project) WHERE p.id IS NOT NULL
WITH p ORDER BY p.id SKIP $skip LIMIT $limit
OPTIONAL MATCH (p)-[:USED]->(a:Artifact)
WITH p, collect(DISTINCT {id: a.id, name: a.name}) AS used
OPTIONAL MATCH (u:Person)-[:MEMBER_OF]->(p)
RETURN p.id AS id, p.name AS name, p.description AS description, p.problemClass AS problemClass,
       p.tags AS tags, [x IN used WHERE x.id IS NOT NULL] AS artifacts, collect(DISTINCT u.id) AS people
