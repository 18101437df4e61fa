// Neo4j: as cypher/import_version_chains.cypher, holding the per-name lock registerArtifact takes.
// Re-link each named artifact's NEW_VERSION_OF chain in version order (versionKey): the same rule
// as register_artifact, for every name an import touched. Returns how many links were new.
UNWIND $names AS name
MERGE (lock:ArtifactVersionLock {name: name})
SET lock.touchedAt = timestamp()  // queue behind (and ahead of) concurrent registerArtifact calls
WITH name
MATCH (v:Artifact {name: name})
WITH name, v ORDER BY v.versionKey, v.id
WITH name, collect(v) AS chain
WITH name, chain, [i IN range(1, size(chain) - 1) | [chain[i].id, chain[i - 1].id]] AS pairs
OPTIONAL MATCH (x:Artifact {name: name})-[old:NEW_VERSION_OF]->(y:Artifact {name: name})
WHERE NOT [x.id, y.id] IN pairs
DELETE old
WITH name, chain, count(old) AS removed
UNWIND range(1, size(chain) - 1) AS i
WITH chain[i] AS n, chain[i - 1] AS o
OPTIONAL MATCH (n)-[had:NEW_VERSION_OF]->(o)
WITH n, o, had IS NULL AS isNew
MERGE (n)-[:NEW_VERSION_OF]->(o)
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
