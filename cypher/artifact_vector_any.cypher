// Whether any artifact holds a vector: without one a search phrase is not encoded (the model would
// load, seconds on a cold server, to compare with nothing). Stops at the first match.
MATCH (a:Artifact) WHERE a.embedding IS NOT NULL
RETURN a.id AS id LIMIT 1
