// Make a person a member of a project (creating the person when a name is given); idempotent.
MATCH (p:Project {id: $projectId})
OPTIONAL MATCH (known:Person {id: $personId})
WITH p, known WHERE known IS NOT NULL OR $name IS NOT NULL
MERGE (u:Person {id: $personId})
ON CREATE SET u.name = $name, u.role = $role, u.skills = []
MERGE (u)-[m:MEMBER_OF]->(p)
SET m.role = coalesce($role, m.role), m.since = coalesce(m.since, $now)
SET p.updatedBy = $by, p.updatedAt = $now
RETURN p {.*, embedding: null, embeddingModel: null, embeddingTextHash: null, nameLower: null, nameGrams: null} AS project  // never a vector
