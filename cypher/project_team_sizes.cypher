// Team size of each project (batched by DataLoader): how many people are MEMBER_OF it.
UNWIND $ids AS pid
MATCH (p:Project {id: pid})
RETURN pid AS id, size([(p)<-[:MEMBER_OF]-(:Person) | 1]) AS teamSize
