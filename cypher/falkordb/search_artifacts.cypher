// Full-text search over artifact name, description and tags, filtered and paged.
CALL db.idx.fulltext.queryNodes('Artifact', $text) YIELD node, score
WITH node AS a, score
WHERE ($type IS NULL OR a.artifactType = $type) AND all(t IN $tags WHERE t IN a.tags)
OPTIONAL MATCH (:Project)-[u:USED]->(a)
WITH a, score, avg(u.impact) AS recorded, count(u) AS uses
WITH a, score, coalesce(a.impactScore, recorded) AS impact, uses  // computed by `maestro train` when present
WHERE $minImpact IS NULL OR impact >= $minImpact
WITH a, score, impact, uses ORDER BY score DESC, coalesce(impact, -1.0) DESC, a.name, a.id
WITH collect({node: a {.*, embedding: null, embeddingModel: null, embeddingTextHash: null}, score: score, impact: impact, uses: uses}) AS rows
RETURN size(rows) AS total, rows[$skip..($skip + $limit)] AS page
