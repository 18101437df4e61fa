// Store artifact vectors as float32 (what the vector index reads), with the model and text hash
// that made them, so unchanged text is never re-embedded and a model change re-embeds.
UNWIND $rows AS r
MATCH (n:Artifact {id: r.id})
SET n.embedding = vecf32(r.vector), n.embeddingModel = r.model, n.embeddingTextHash = r.hash
RETURN count(n) AS updated
