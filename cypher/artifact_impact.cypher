// Usage count and mean usage impact of each artifact (the artifact's impact score).
UNWIND $ids AS aid
MATCH (a:Artifact {id: aid})
OPTIONAL MATCH (:Project)-[u:USED]->(a)
RETURN aid AS id, count(u) AS usageCount, avg(u.impact) AS impactScore
