// person_artifacts_created with only the artifact properties a query selected ($props: see project_team_fields).
UNWIND $ids AS uid
MATCH (:Person {id: uid})-[:CREATED]->(a:Artifact)
WITH uid, a ORDER BY a.name, a.version, a.id
WITH uid, collect(a) AS rows
RETURN uid AS id, size(rows) AS total, [x IN rows[$skip..($skip + $limit)] | {node: [k IN $props | x[k]]}] AS page
