// The artifacts of $ids that pass the search filters, with their impact; projected without the
// embedding properties (a read never returns a vector). Ranking is the caller's (hybrid search).
UNWIND $ids AS aid
MATCH (a:Artifact {id: aid})
WHERE ($type IS NULL OR a.artifactType = $type) AND all(t IN $tags WHERE t IN a.tags)
OPTIONAL MATCH (:Project)-[u:USED]->(a)
WITH a, avg(u.impact) AS impact, count(u) AS uses
WHERE $minImpact IS NULL OR impact >= $minImpact
RETURN a {.id, .name, .artifactType, .version, .description, .tags, .storagePath, .createdBy, .createdAt, .metadata} AS node,
       impact, uses
