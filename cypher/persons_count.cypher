// How many persons match a compiled filter (totalCount, run only when a client selects it).
// TEMPLATE: /*WHERE*/ is filled only by service/compile.py (whitelisted names, $p0.. parameters).
MATCH (n:Person)
WHERE /*WHERE*/
RETURN count(n) AS total
