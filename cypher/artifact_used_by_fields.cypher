// artifact_used_by with only the project properties a query selected ($props: see project_team_fields).
UNWIND $ids AS aid
MATCH (p:Project)-[u:USED]->(:Artifact {id: aid})
WITH aid, p, u ORDER BY p.name, p.id, u.context
WITH aid, collect({n: p, r: u}) AS rows
RETURN aid AS id, size(rows) AS total,
       [x IN rows[$skip..($skip + $limit)] | {node: [k IN $props | x.n[k]], edge: properties(x.r)}] AS page
