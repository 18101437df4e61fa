// One project as the meta-model reads it (same fields as learn_projects), with the artifacts it
// uses: the input of recommendArtifacts and predictOutcome. No vector is returned. With
// $predictionId (project@model version) it also returns that stored Prediction's input
// fingerprint and time, so an unchanged project reuses it instead of writing again.
MATCH (p:Project {id: $id})
OPTIONAL MATCH (m:Person)-[:MEMBER_OF]->(p)
WITH p, count(m) AS teamSize
OPTIONAL MATCH (p)-[:USED]->(a:Artifact)
WITH p, teamSize, collect(a.id) AS used
OPTIONAL MATCH (x:Prediction {id: $predictionId})-[:FOR]->(p)
RETURN p.id AS id, p.name AS name, p.description AS description, p.tags AS tags,
       p.problemClass AS problemClass, p.complexityScore AS complexityScore, p.status AS status,
       p.startedAt AS startedAt, p.metadata AS metadata, teamSize, used,
       x.inputHash AS predictionInputHash, x.createdAt AS predictionCreatedAt
