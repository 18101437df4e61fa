// Team of each project (batched by DataLoader): one page of members and the team size.
UNWIND $ids AS pid
MATCH (m:Person)-[r:MEMBER_OF]->(:Project {id: pid})
WITH pid, m, r ORDER BY m.name, m.id
WITH pid, collect({node: properties(m), edge: properties(r)}) AS rows
RETURN pid AS id, size(rows) AS total, rows[$skip..($skip + $limit)] AS page
