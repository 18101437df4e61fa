// Every MEMBER_OF edge as (person, project) ids (training only).
MATCH (u:Person)-[:MEMBER_OF]->(p:Project)
RETURN u.id AS person, p.id AS project
ORDER BY project, person
