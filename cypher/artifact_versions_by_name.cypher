// Existing versions of an artifact name (registerArtifact links a new version to the latest).
MATCH (a:Artifact {name: $name})
RETURN a.id AS id, a.version AS version
