// FalkorDB schema, run by FalkorDBStore.bootstrap (idempotent: "already indexed" is ignored).
// Vector indexes: efRuntime 400 (default 10), from bench/vector_recall.py at 100k REAL text vectors
// (--source docstrings, bench/text_corpus.py), recall@10 against exact, M 16 / efConstruction 200:
// 0.969 at ef 50, 0.987 at 100, 0.996 at 200, 0.997 at 400 (store query p50 1.1 / 1.6 / 1.8 / 2.4 ms).
// 400 keeps 8x the smallest ef that reaches 0.95 on text. Synthetic isotropic clusters (384 intrinsic
// dimensions, unlike text) need 3200 for 0.98 at 100k and get 0.69 at 400: a corpus that hard would
// need the index rebuilt with a larger efRuntime. The service uses exact search up to
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
CREATE VECTOR INDEX FOR (n:Project) ON (n.embedding) OPTIONS {dimension: 384, similarityFunction: 'cosine', M: 16, efConstruction: 200, efRuntime: 400};
CREATE VECTOR INDEX FOR (n:Artifact) ON (n.embedding) OPTIONS {dimension: 384, similarityFunction: 'cosine', M: 16, efConstruction: 200, efRuntime: 400}
