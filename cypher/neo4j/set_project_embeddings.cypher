// Store project embeddings as float32 vectors (what the vector index reads).
UNWIND $rows AS r
MATCH (p:Project {id: r.id})
CALL db.create.setNodeVectorProperty(p, 'embedding', r.vector)
RETURN count(p) AS updated
