// Whether any project holds a vector: without one an unsaved spec is not encoded (the model would
// load, seconds on a cold server, to compare with nothing). Stops at the first match.
MATCH (p:Project) WHERE p.embedding IS NOT NULL
RETURN p.id AS id LIMIT 1
