// Project nodes by id, batched (DataLoader); missing ids simply return no row.
// Vectors (embedding, embeddingModel, embeddingTextHash) are never returned by a read.
UNWIND $ids AS id
MATCH (n:Project {id: id})
RETURN id, n {.*, embedding: null, embeddingModel: null, embeddingTextHash: null} AS node
