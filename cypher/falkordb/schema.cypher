// FalkorDB schema, run by FalkorDBStore.bootstrap (idempotent: "already indexed" is ignored).
// Vector indexes: efRuntime 400 (default 10). bench/vector_recall.py, 10k clustered 384-d vectors:
// recall@10 against exact 0.30 at ef 10, 0.67 at 50, 0.82 at 100, 0.92 at 200, 0.97 at 400. The service
// uses exact search up to MAESTRO_EMBEDDING_EXACT_MAX_NODES vectors and this index above.
// Exact-match indexes on id come first: the unique constraints the adapter adds need them.
CREATE INDEX FOR (n:Project) ON (n.id);
CREATE INDEX FOR (n:Artifact) ON (n.id);
CREATE INDEX FOR (n:Person) ON (n.id);
CREATE INDEX FOR (n:Metric) ON (n.id);
CREATE INDEX FOR (n:Prediction) ON (n.id);
CREATE INDEX FOR (n:Project) ON (n.status);
CREATE INDEX FOR (n:Project) ON (n.problemClass);
// name, complexityScore and the name trigrams (maestro_graph/substrings.py): a filter whose every
// OR branch reads these or the ones above is answered from the index (service/compile.py, narrowing)
CREATE INDEX FOR (n:Project) ON (n.name);
CREATE INDEX FOR (n:Project) ON (n.complexityScore);
CREATE INDEX FOR (n:Project) ON (n.nameGrams);
CREATE INDEX FOR (n:Artifact) ON (n.name);
CREATE INDEX FOR (n:Artifact) ON (n.version);
CREATE INDEX FOR (n:Artifact) ON (n.artifactType);
CREATE INDEX FOR (n:Metric) ON (n.projectId);
CALL db.idx.fulltext.createNodeIndex('Artifact', 'name', 'description', 'tagsText');
CREATE VECTOR INDEX FOR (n:Project) ON (n.embedding) OPTIONS {dimension: 384, similarityFunction: 'cosine', M: 16, efConstruction: 200, efRuntime: 400};
CREATE VECTOR INDEX FOR (n:Artifact) ON (n.embedding) OPTIONS {dimension: 384, similarityFunction: 'cosine', M: 16, efConstruction: 200, efRuntime: 400}
