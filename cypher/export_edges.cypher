// One page of the edges that the JSONL format carries, in a stable order.
MATCH (a)-[r:MEMBER_OF|USED|DERIVED_FROM|NEW_VERSION_OF]->(b)
WITH a, r, b ORDER BY type(r), a.id, b.id, r.context
SKIP $skip LIMIT $limit
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
