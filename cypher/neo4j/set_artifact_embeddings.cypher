// Store artifact vectors (what the vector index reads), with the model and text hash that made them.
UNWIND $rows AS r
MATCH (n:Artifact {id: r.id})
CALL db.create.setNodeVectorProperty(n, 'embedding', r.vector)
SET n.embeddingModel = r.model, n.embeddingTextHash = r.hash
RETURN count(n) AS updated
