// Artifacts written before versionKey existed (bootstrap computes their keys).
MATCH (a:Artifact)
WHERE a.versionKey IS NULL
RETURN a.id AS id, a.name AS name, a.version AS version, a.createdAt AS createdAt
LIMIT $limit
