// Stored predictions of one model version next to outcomes that arrived after them (backtesting:
// a prediction made once the project had ended is not a forecast).
MATCH (x:Prediction {modelVersion: $version})-[:FOR]->(p:Project)
WHERE p.success IS NOT NULL AND p.completedAt IS NOT NULL AND p.completedAt > x.createdAt
RETURN x.successProbability AS p, p.success AS success, x.durationP10 AS d10, x.durationP90 AS d90,
       p.durationDays AS duration
