// Projects each person is a member of, newest first, with the membership edge; batched.
UNWIND $ids AS uid
MATCH (:Person {id: uid})-[r:MEMBER_OF]->(p:Project)
WITH uid, p, r ORDER BY p.startedAt IS NULL, p.startedAt DESC, p.name, p.id
WITH uid, collect({node: p {.*, embedding: null, embeddingModel: null, embeddingTextHash: null, nameLower: null, nameGrams: null}, edge: properties(r)}) AS rows
RETURN uid AS id, size(rows) AS total, rows[$skip..($skip + $limit)] AS page
