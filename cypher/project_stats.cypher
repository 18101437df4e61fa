// Project figures per group: count, success rate, median duration and cost (projectStats).
// TEMPLATE: /*WHERE*/ /*DERIVED*/ /*DERIVED_WHERE*/ (a compiled filter) and /*GROUP*/ (one of the fixed group expressions in
// service/stats.py) are filled only by the service layer; values, $artifact included, are parameters.
// successRate is over projects with a known outcome; medians ignore projects without the figure.
MATCH (n:Project)
WHERE /*WHERE*/
WITH n /*DERIVED*/
WHERE /*DERIVED_WHERE*/
WITH /*GROUP*/ AS grp, n
RETURN grp AS key, count(n) AS count, count(n.success) AS withOutcome,
       avg(CASE WHEN n.success IS NULL THEN null WHEN n.success THEN 1.0 ELSE 0.0 END) AS successRate,
       count(n.durationDays) AS withDuration, percentileCont(n.durationDays, 0.5) AS medianDurationDays,
       count(n.costUsd) AS withCost, percentileCont(n.costUsd, 0.5) AS medianCostUsd
ORDER BY key
