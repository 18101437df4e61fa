// Every version of each artifact (nodes that share its name); the service sorts by semver.
UNWIND $ids AS aid
MATCH (a:Artifact {id: aid})
MATCH (v:Artifact {name: a.name})
RETURN aid AS id, collect(v {.*, embedding: null, embeddingModel: null, embeddingTextHash: null}) AS versions
