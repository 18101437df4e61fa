// Artifacts most often used by the same projects as each artifact, with how many projects.
UNWIND $ids AS aid
MATCH (:Artifact {id: aid})<-[:USED]-(p:Project)-[:USED]->(b:Artifact)
WHERE b.id <> aid
WITH aid, b, count(DISTINCT p) AS together
ORDER BY together DESC, b.name, b.id
WITH aid, collect({node: b {.*, embedding: null, embeddingModel: null, embeddingTextHash: null}, count: together}) AS rows
RETURN aid AS id, size(rows) AS total, rows[$skip..($skip + $limit)] AS page
