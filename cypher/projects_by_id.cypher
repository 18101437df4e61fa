// Project nodes by id, batched (DataLoader); missing ids simply return no row.
// Vectors (embedding, embeddingModel, embeddingTextHash) are never returned by a read.
// Nor are the name-search helpers (nameLower, nameGrams: ~20 trigram strings a node; a quarter of the
// statement's time for 10 nodes at 100k, 1.53 → 1.15 ms).
UNWIND $ids AS id
MATCH (n:Project {id: id})
RETURN id, n {.*, embedding: null, embeddingModel: null, embeddingTextHash: null, nameLower: null, nameGrams: null} AS node
