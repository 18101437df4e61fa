// One page of everything "projects like mine" compares, per project: its text fields, the
// artifacts it used and its people; the $limit projects after the first $skip, in the store's
// own order. Never the vector. The service reads a graph page by page (cached per graph
// version), so no single statement outlives the store's timeout on a large graph.
// No ORDER BY: sorting every remaining project for each page cost half of each page's time at
// 100k (FalkorDB: 0.73-0.79 s a 2,000-project page against 0.38-0.41 s). The reader sorts by
// id and drops a repeat; a write during the read can shift a page by a project, and that
// write makes the next rebuild (snapshot.py).
MATCH (p:Project)
WITH p SKIP $skip LIMIT $limit
OPTIONAL MATCH (p)-[:USED]->(a:Artifact)
WITH p, collect(DISTINCT {id: a.id, name: a.name}) AS used
OPTIONAL MATCH (u:Person)-[:MEMBER_OF]->(p)
RETURN p.id AS id, p.name AS name, p.description AS description, p.problemClass AS problemClass,
       p.tags AS tags, [x IN used WHERE x.id IS NOT NULL] AS artifacts, collect(DISTINCT u.id) AS people
