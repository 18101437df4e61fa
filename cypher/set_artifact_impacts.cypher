// Store computed impact scores (insight/impact.py) on the artifacts: score, interval and n.
UNWIND $rows AS r
MATCH (a:Artifact {id: r.id})
SET a.impactScore = r.score, a.impactLow = r.low, a.impactHigh = r.high, a.impactN = r.n
RETURN count(a) AS updated
