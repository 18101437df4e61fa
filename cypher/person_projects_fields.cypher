// person_projects with only the project properties a query selected ($props: see project_team_fields).
UNWIND $ids AS uid
MATCH (:Person {id: uid})-[r:MEMBER_OF]->(p:Project)
WITH uid, p, r ORDER BY p.startedAt IS NULL, p.startedAt DESC, p.name, p.id
WITH uid, collect({n: p, r: r}) AS rows
RETURN uid AS id, size(rows) AS total,
       [x IN rows[$skip..($skip + $limit)] | {node: [k IN $props | x.n[k]], edge: properties(x.r)}] AS page
