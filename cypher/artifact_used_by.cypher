// Projects that used each artifact, with the usage edge; batched.
UNWIND $ids AS aid
MATCH (p:Project)-[u:USED]->(:Artifact {id: aid})
WITH aid, p, u ORDER BY p.name, p.id, u.context
WITH aid, collect({node: p {.*, embedding: null, embeddingModel: null, embeddingTextHash: null, nameLower: null, nameGrams: null}, edge: properties(u)}) AS rows
RETURN aid AS id, size(rows) AS total, rows[$skip..($skip + $limit)] AS page
