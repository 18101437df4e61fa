// project_artifacts with only the artifact properties a query selected ($props: see project_team_fields).
UNWIND $ids AS pid
MATCH (:Project {id: pid})-[u:USED]->(a:Artifact)
WITH pid, a, u ORDER BY a.name, a.id, u.context
WITH pid, collect({n: a, r: u}) AS rows
RETURN pid AS id, size(rows) AS total,
       [x IN rows[$skip..($skip + $limit)] | {node: [k IN $props | x.n[k]], edge: properties(x.r)}] AS page
