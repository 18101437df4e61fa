// project_team with only the member properties a query selected: $props is a list of property
// names from api/prefetch.py's fixed whitelist; each node comes back as the list of their values
// (in $props order), projected only for the rows of the page.
UNWIND $ids AS pid
MATCH (m:Person)-[r:MEMBER_OF]->(:Project {id: pid})
WITH pid, m, r ORDER BY m.name, m.id
WITH pid, collect({n: m, r: r}) AS rows
RETURN pid AS id, size(rows) AS total,
       [x IN rows[$skip..($skip + $limit)] | {node: [k IN $props | x.n[k]], edge: properties(x.r)}] AS page
