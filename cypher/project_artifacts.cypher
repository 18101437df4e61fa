// Artifacts each project used, with the usage edge (context, impact, at); batched.
UNWIND $ids AS pid
MATCH (:Project {id: pid})-[u:USED]->(a:Artifact)
WITH pid, a, u ORDER BY a.name, a.id, u.context
WITH pid, collect({node: a {.*, embedding: null, embeddingModel: null, embeddingTextHash: null}, edge: properties(u)}) AS rows
RETURN pid AS id, size(rows) AS total, rows[$skip..($skip + $limit)] AS page
