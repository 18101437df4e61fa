// Artifacts each person created; batched.
UNWIND $ids AS uid
MATCH (:Person {id: uid})-[:CREATED]->(a:Artifact)
WITH uid, a ORDER BY a.name, a.version, a.id
WITH uid, collect({node: a {.*, embedding: null, embeddingModel: null, embeddingTextHash: null}}) AS rows
RETURN uid AS id, size(rows) AS total, rows[$skip..($skip + $limit)] AS page
