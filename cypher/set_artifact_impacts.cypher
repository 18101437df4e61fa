// Store computed impact scores (insight/impact.py) on the artifacts: score, interval and n, and per class.
UNWIND $rows AS r
MATCH (a:Artifact {id: r.id})
SET a.impactScore = r.score, a.impactLow = r.low, a.impactHigh = r.high, a.impactN = r.n,
    a.impactByClass = r.byClass  // JSON: [{problemClass, score, low, high, n}], best first
RETURN count(a) AS updated
