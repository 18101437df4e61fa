// Usage count and mean usage impact of each artifact (the artifact's impact score).
UNWIND $ids AS aid
MATCH (a:Artifact {id: aid})
OPTIONAL MATCH (:Project)-[u:USED]->(a)
WITH aid, a, count(u) AS usageCount, avg(u.impact) AS recorded
// The impact computed by `maestro train` (insight/impact.py) when there is one, else the mean recorded one.
RETURN aid AS id, usageCount, coalesce(a.impactScore, recorded) AS impactScore
