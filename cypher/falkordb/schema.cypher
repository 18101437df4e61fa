// FalkorDB schema, run by FalkorDBStore.bootstrap (idempotent: "already indexed" is ignored).
// Vector indexes: efRuntime 3200 (default 10). bench/vector_recall.py, clustered 384-d vectors (a hard
// case: real text vectors reach 1.0 sooner), recall@10 against exact, M 16: at 10k 0.30 at ef 10, 0.67
// at 50, 0.82 at 100, 0.92 at 200, 0.97 at 400; at 100k 0.52 at 200, 0.69 at 400, 0.86 at 800, 0.948 at
// 1600, 0.982 at 3200 (query p50 ~10 ms on the loaded machine). The service uses exact search up to
// MAESTRO_EMBEDDING_EXACT_MAX_NODES vectors and this index above. An index keeps the options it was
// created with: embed/bulk.py rebuilds it with these (create_*_vector_index.cypher).
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
CREATE VECTOR INDEX FOR (n:Project) ON (n.embedding) OPTIONS {dimension: 384, similarityFunction: 'cosine', M: 16, efConstruction: 200, efRuntime: 3200};
CREATE VECTOR INDEX FOR (n:Artifact) ON (n.embedding) OPTIONS {dimension: 384, similarityFunction: 'cosine', M: 16, efConstruction: 200, efRuntime: 3200}
