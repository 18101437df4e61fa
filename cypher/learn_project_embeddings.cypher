// Stored project text vectors, for training features only: the one read that returns a vector,
// and it never reaches a client.
MATCH (p:Project)
WHERE p.embedding IS NOT NULL
RETURN p.id AS id, p.embedding AS embedding
