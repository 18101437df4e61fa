// After a bulk vector load (maestro_graph/embed/bulk.py); same as schema.cypher.
CREATE VECTOR INDEX project_embedding IF NOT EXISTS FOR (n:Project) ON (n.embedding)
  OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}}
