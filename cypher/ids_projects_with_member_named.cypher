// Ids of projects a person named $value is a member of.
MATCH (u:Person)-[:MEMBER_OF]->(p:Project)
WHERE u.name = $value
RETURN collect(DISTINCT p.id) AS ids
