// Create an artifact version unless name+version exists (then no row: a Conflict), link it to
// the previous version and to its creator, in one atomic statement.
OPTIONAL MATCH (dup:Artifact {name: $props.name, version: $props.version})
WITH dup WHERE dup IS NULL
CREATE (a:Artifact)
SET a = $props
WITH a
OPTIONAL MATCH (prev:Artifact {id: $previousId})
FOREACH (_ IN CASE WHEN prev IS NULL THEN [] ELSE [1] END | CREATE (a)-[:NEW_VERSION_OF]->(prev))
WITH a
OPTIONAL MATCH (u:Person {id: $createdBy})
FOREACH (_ IN CASE WHEN u IS NULL THEN [] ELSE [1] END | MERGE (u)-[:CREATED]->(a))
RETURN properties(a) AS artifact
