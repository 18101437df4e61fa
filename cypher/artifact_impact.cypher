// Usage count and impact of each artifact: the estimate `maestro train` computed (insight/impact.py:
// score, 95% interval, n) when there is one, else the mean impact recorded on its usages.
UNWIND $ids AS aid
MATCH (a:Artifact {id: aid})
OPTIONAL MATCH (:Project)-[u:USED]->(a)
WITH aid, a, count(u) AS usageCount, avg(u.impact) AS recorded
RETURN aid AS id, usageCount, coalesce(a.impactScore, recorded) AS impactScore,
       CASE WHEN a.impactLow IS NULL THEN null
            ELSE {score: a.impactScore, low: a.impactLow, high: a.impactHigh, n: a.impactN} END AS estimate,
       a.impactByClass AS byClass
