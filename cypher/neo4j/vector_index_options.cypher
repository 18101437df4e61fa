// The options of each vector index by label (embed/bulk.py::stale_indexes). Neo4j's vector index
// has no HNSW parameters to compare: its indexConfig holds the dimension and similarity only.
SHOW INDEXES YIELD labelsOrTypes, type, options WHERE type = 'VECTOR'
RETURN labelsOrTypes[0] AS label, options.indexConfig AS options
