// artifact_co_used with only the artifact properties a query selected ($props: see project_team_fields).
UNWIND $ids AS aid
MATCH (:Artifact {id: aid})<-[:USED]-(p:Project)-[:USED]->(b:Artifact)
WHERE b.id <> aid
WITH aid, b, count(DISTINCT p) AS together
ORDER BY together DESC, b.name, b.id
WITH aid, collect({n: b, count: together}) AS rows
RETURN aid AS id, size(rows) AS total,
       [x IN rows[$skip..($skip + $limit)] | {node: [k IN $props | x.n[k]], count: x.count}] AS page
