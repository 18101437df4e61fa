// The current version of each dataset path a project's DVC import recorded: the dataset version
// the project USED (context dvc) under that name that no newer version points at yet.
UNWIND $rows AS r
MATCH (:Project {id: $projectId})-[:USED {context: 'dvc'}]->(old:Artifact {name: r.name})
WHERE old.artifactType = 'dataset' AND old.id <> r.id
OPTIONAL MATCH (newer:Artifact)-[:NEW_VERSION_OF]->(old)
WITH r, old, newer
WHERE newer IS NULL
RETURN r.id AS id, old.id AS previous
