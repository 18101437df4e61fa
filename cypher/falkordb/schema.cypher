// FalkorDB schema, run by FalkorDBStore.bootstrap (idempotent: "already indexed" is ignored).
// efRuntime 100 (default 10): bench/vector_recall.py measures recall@10 against exact search.
// Exact-match indexes on id come first: the unique constraints the adapter adds need them.
CREATE INDEX FOR (n:Project) ON (n.id);
CREATE INDEX FOR (n:Artifact) ON (n.id);
CREATE INDEX FOR (n:Person) ON (n.id);
CREATE INDEX FOR (n:Metric) ON (n.id);
CREATE INDEX FOR (n:Prediction) ON (n.id);
CREATE INDEX FOR (n:Project) ON (n.status);
CREATE INDEX FOR (n:Project) ON (n.problemClass);
CREATE INDEX FOR (n:Artifact) ON (n.name);
CREATE INDEX FOR (n:Artifact) ON (n.artifactType);
CREATE INDEX FOR (n:Metric) ON (n.projectId);
CALL db.idx.fulltext.createNodeIndex('Artifact', 'name', 'description', 'tagsText');
CREATE VECTOR INDEX FOR (n:Project) ON (n.embedding) OPTIONS {dimension: 384, similarityFunction: 'cosine', M: 16, efConstruction: 200, efRuntime: 100};
CREATE VECTOR INDEX FOR (n:Artifact) ON (n.embedding) OPTIONS {dimension: 384, similarityFunction: 'cosine', M: 16, efConstruction: 200, efRuntime: 100}
