// One project's similarity facts, as similarity_projects_page gives each: a project the snapshot
// has not read yet (created since, or by another process) is compared at once against the
// snapshot, instead of waiting for a rebuild (~27 s at 100k projects, past a request's budget).
MATCH (p:Project {id: $id})
OPTIONAL MATCH (p)-[:USED]->(a:Artifact)
WITH p, collect(DISTINCT {id: a.id, name: a.name}) AS used
OPTIONAL MATCH (u:Person)-[:MEMBER_OF]->(p)
RETURN p.id AS id, p.name AS name, p.description AS description, p.problemClass AS problemClass,
       p.tags AS tags, [x IN used WHERE x.id IS NOT NULL] AS artifacts, collect(DISTINCT u.id) AS people
