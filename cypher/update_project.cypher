// Set the given properties of one project; no row when the id is unknown.
MATCH (p:Project {id: $id})
SET p += $props
RETURN p {.*, embedding: null, embeddingModel: null, embeddingTextHash: null, nameLower: null, nameGrams: null} AS project  // never a vector
