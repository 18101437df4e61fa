// Whether any project or artifact holds a vector (then the API warms the query encoder up at
// start). At most two rows, ids only; each branch stops at its first match.
MATCH (p:Project) WHERE p.embedding IS NOT NULL
RETURN p.id AS id LIMIT 1
UNION
MATCH (a:Artifact) WHERE a.embedding IS NOT NULL
RETURN a.id AS id LIMIT 1
