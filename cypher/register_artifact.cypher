// Create an artifact version unless name+version exists (then no row: a Conflict), link it to its
// creator, and re-link its name's NEW_VERSION_OF chain by versionKey in the same atomic statement:
// registering 1.0.0, 2.0.0 then 1.5.0 leaves 2.0.0 -> 1.5.0 -> 1.0.0. Edges that are not between
// neighbours in version order are removed; the right ones are merged (kept with their properties).
OPTIONAL MATCH (dup:Artifact {name: $props.name, version: $props.version})
WITH count(dup) AS taken  // not `WITH dup WHERE dup IS NULL`: FalkorDB 4.16 keeps that row
WHERE taken = 0
CREATE (a:Artifact)
SET a = $props
WITH a
MATCH (v:Artifact {name: a.name})
WITH a, v ORDER BY v.versionKey, v.id
WITH a, collect(v) AS chain
WITH a, chain, [i IN range(1, size(chain) - 1) | [chain[i].id, chain[i - 1].id]] AS pairs
OPTIONAL MATCH (x:Artifact {name: a.name})-[old:NEW_VERSION_OF]->(y:Artifact {name: a.name})
WHERE NOT [x.id, y.id] IN pairs
DELETE old
WITH a, chain, count(old) AS removed
FOREACH (i IN range(1, size(chain) - 1) |
  FOREACH (n IN [chain[i]] | FOREACH (o IN [chain[i - 1]] | MERGE (n)-[:NEW_VERSION_OF]->(o))))
WITH a
OPTIONAL MATCH (u:Person {id: $createdBy})
FOREACH (_ IN CASE WHEN u IS NULL THEN [] ELSE [1] END | MERGE (u)-[:CREATED]->(a))
RETURN properties(a) AS artifact
