// After a bulk vector load (maestro_graph/embed/bulk.py): the project vector index, built once over
// every stored vector. Same options as schema.cypher (keep the two in step; a test checks it).
CREATE VECTOR INDEX FOR (n:Project) ON (n.embedding) OPTIONS {dimension: 384, similarityFunction: 'cosine', M: 16, efConstruction: 200, efRuntime: 400}
