// How many projects match a compiled filter (totalCount, run only when a client selects it).
// TEMPLATE: /*WHERE*/ /*DERIVED*/ /*DERIVED_WHERE*/ are filled only by service/compile.py (whitelisted names, $p0.. parameters).
MATCH (n:Project)
WHERE /*WHERE*/
WITH n /*DERIVED*/
WHERE /*DERIVED_WHERE*/
RETURN count(n) AS total
