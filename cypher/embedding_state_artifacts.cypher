// What the embedder needs to know of Artifact nodes (all when $ids is null): their text fields and
// which text and model made their vector. Never the vector itself.
MATCH (n:Artifact)
WHERE $ids IS NULL OR n.id IN $ids
RETURN n.id AS id, n.name AS name, n.description AS description, n.artifactType AS artifactType, n.tags AS tags,
       n.embeddingModel AS embeddingModel, n.embeddingTextHash AS embeddingTextHash,
       n.embedding IS NOT NULL AS hasEmbedding
