// One page of projects: a compiled filter, a sort key, a keyset start (see service/compile.py).
// TEMPLATE: /*WHERE*/ /*DERIVED*/ /*DERIVED_WHERE*/ /*KEY*/ /*AFTER*/ /*DIR*/ are filled only by service/compile.py, from
// whitelisted property names, fixed operators and generated parameter names ($p0, $p1, ...);
// every value is a parameter. Vectors (embedding*) are never returned.
MATCH (n:Project)
WHERE /*WHERE*/
WITH n /*DERIVED*/
WHERE /*DERIVED_WHERE*/
WITH n, /*KEY*/ AS k
WHERE /*AFTER*/
WITH n, k ORDER BY k IS NULL, k /*DIR*/, n.id ASC LIMIT $limit
RETURN k AS key, n {.*, embedding: null, embeddingModel: null, embeddingTextHash: null, nameLower: null, nameGrams: null} AS node
