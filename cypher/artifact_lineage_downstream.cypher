// What was derived from each artifact, up to $depth hops (the pattern caps at 3), with paths.
UNWIND $ids AS aid
MATCH path = (b:Artifact)-[:DERIVED_FROM*1..3]->(:Artifact {id: aid})
WHERE length(path) <= $depth
RETURN aid AS id, b {.*, embedding: null, embeddingModel: null, embeddingTextHash: null} AS node, length(path) AS depth, [n IN reverse(nodes(path)) | n.id] AS path
ORDER BY id, depth, b.name, b.id
