// Artifact search without words: filters only, best impact first.
MATCH (a:Artifact)
WHERE ($type IS NULL OR a.artifactType = $type) AND all(t IN $tags WHERE t IN a.tags)
OPTIONAL MATCH (:Project)-[u:USED]->(a)
WITH a, avg(u.impact) AS recorded, count(u) AS uses
WITH a, coalesce(a.impactScore, recorded) AS impact, uses  // computed by `maestro train` when present
WHERE $minImpact IS NULL OR impact >= $minImpact
WITH a, impact, uses ORDER BY coalesce(impact, -1.0) DESC, a.name, a.id
WITH collect({node: a {.*, embedding: null, embeddingModel: null, embeddingTextHash: null}, score: 0.0, impact: impact, uses: uses}) AS rows
RETURN size(rows) AS total, rows[$skip..($skip + $limit)] AS page
