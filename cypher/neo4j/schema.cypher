// Neo4j 5 schema, run by Neo4jStore.bootstrap (every statement is IF NOT EXISTS).
CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT artifact_id IF NOT EXISTS FOR (n:Artifact) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT metric_id IF NOT EXISTS FOR (n:Metric) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT prediction_id IF NOT EXISTS FOR (n:Prediction) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT artifact_name_version IF NOT EXISTS FOR (n:Artifact) REQUIRE (n.name, n.version) IS UNIQUE;
CREATE CONSTRAINT artifact_version_lock IF NOT EXISTS FOR (n:ArtifactVersionLock) REQUIRE n.name IS UNIQUE;
CREATE INDEX project_status IF NOT EXISTS FOR (n:Project) ON (n.status);
CREATE INDEX project_problem_class IF NOT EXISTS FOR (n:Project) ON (n.problemClass);
CREATE INDEX project_name IF NOT EXISTS FOR (n:Project) ON (n.name);
CREATE INDEX project_complexity IF NOT EXISTS FOR (n:Project) ON (n.complexityScore);
// `contains` on a name reads the stored lower-cased copy, which a TEXT index serves natively
CREATE TEXT INDEX project_name_lower IF NOT EXISTS FOR (n:Project) ON (n.nameLower);
CREATE INDEX artifact_name IF NOT EXISTS FOR (n:Artifact) ON (n.name);
CREATE INDEX artifact_type IF NOT EXISTS FOR (n:Artifact) ON (n.artifactType);
CREATE INDEX metric_project IF NOT EXISTS FOR (n:Metric) ON (n.projectId);
CREATE FULLTEXT INDEX artifact_text IF NOT EXISTS FOR (n:Artifact) ON EACH [n.name, n.description, n.tagsText];
CREATE VECTOR INDEX project_embedding IF NOT EXISTS FOR (n:Project) ON (n.embedding)
  OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}};
CREATE VECTOR INDEX artifact_embedding IF NOT EXISTS FOR (n:Artifact) ON (n.embedding)
  OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}}
