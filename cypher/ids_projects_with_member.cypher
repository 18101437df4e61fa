// Ids of projects the person $value is a member of (a `where: {hasMember: {id}}` condition).
MATCH (:Person {id: $value})-[:MEMBER_OF]->(p:Project)
RETURN collect(DISTINCT p.id) AS ids
