// Record that a project used an artifact in a context; idempotent per project+artifact+context.
MATCH (p:Project {id: $projectId})
MATCH (a:Artifact {id: $artifactId})
MERGE (p)-[u:USED {context: $context}]->(a)
ON CREATE SET u.at = $now
SET u.impact = coalesce($impact, u.impact)
SET p.updatedBy = $by, p.updatedAt = $now
RETURN p {.*, embedding: null, embeddingModel: null, embeddingTextHash: null, nameLower: null, nameGrams: null} AS project  // never a vector
