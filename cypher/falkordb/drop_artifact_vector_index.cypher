// Bulk vector loads only (maestro_graph/embed/bulk.py): drop the artifact vector index, so that
// writing many vectors does not insert each one into the HNSW graph inside its write statement.
DROP VECTOR INDEX FOR (n:Artifact) ON (n.embedding)
