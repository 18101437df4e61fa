// bench/graphql_overhead.py's baseline: the nested answer of
//   projects { team { projects { artifacts { id name } } } }
// in one statement. For each project in $ids: its team (first $teamFirst by name, id), each
// member's projects (first $projectsFirst, newest first) and each of those projects' artifacts
// (first $artifactsFirst usages by name, id, context): the orders and caps of project_team,
// person_projects and project_artifacts.
// A member's projects and a project's artifacts are looked up once, however often they recur
// in the tree, then fanned back out by position; a [null] slot keeps an empty list as a row.
UNWIND $ids AS pid
MATCH (p:Project {id: pid})
OPTIONAL MATCH (m:Person)-[:MEMBER_OF]->(p)
WITH pid, m ORDER BY m.name, m.id
WITH pid, collect(m)[0..$teamFirst] AS team
UNWIND CASE WHEN size(team) = 0 THEN [null] ELSE range(0, size(team) - 1) END AS mi
WITH pid, mi, CASE WHEN mi IS NULL THEN null ELSE team[mi] END AS m
WITH m, collect({pid: pid, mi: mi}) AS teamSlots
OPTIONAL MATCH (m)-[:MEMBER_OF]->(q:Project)
WITH m, teamSlots, q ORDER BY q.startedAt DESC, q.name, q.id
WITH m, teamSlots, collect(q)[0..$projectsFirst] AS qs
UNWIND CASE WHEN size(qs) = 0 THEN [null] ELSE range(0, size(qs) - 1) END AS qi
WITH m, teamSlots, qi, CASE WHEN qi IS NULL THEN null ELSE qs[qi] END AS q
WITH q, collect({m: m, qi: qi, teamSlots: CASE WHEN coalesce(qi, 0) = 0 THEN teamSlots END}) AS memberSlots
OPTIONAL MATCH (q)-[u:USED]->(a:Artifact)
WITH q, memberSlots, a, u ORDER BY a.name, a.id, u.context
WITH q, memberSlots, [x IN collect(a)[0..$artifactsFirst] | {id: x.id, name: x.name}] AS artifacts
UNWIND memberSlots AS ms
WITH ms.m AS m, ms.qi AS qi, ms.teamSlots AS teamSlots,
     CASE WHEN q IS NULL THEN null ELSE {id: q.id, artifacts: artifacts} END AS project
WITH m, qi, teamSlots, project ORDER BY qi
WITH m, collect(teamSlots) AS slotLists, collect(project) AS projects
UNWIND CASE WHEN size(slotLists) = 0 THEN [] ELSE slotLists[0] END AS ts
WITH ts.pid AS pid, ts.mi AS mi, CASE WHEN m IS NULL THEN null ELSE {id: m.id, projects: projects} END AS member
WITH pid, mi, member ORDER BY mi
WITH pid, collect(member) AS team
RETURN pid AS id, team
ORDER BY id
