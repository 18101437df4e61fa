// Every artifact with its content fields (training only; no vector).
MATCH (a:Artifact)
RETURN a.id AS id, a.name AS name, a.version AS version, a.artifactType AS artifactType,
       a.description AS description, a.tags AS tags, a.versionKey AS versionKey
ORDER BY id
