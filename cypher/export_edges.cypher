// One page of the edges the JSONL format carries, after the key $after (keyset paging on a
// string key that orders edges totally: source, type, target, usage context).
MATCH (a)-[r:MEMBER_OF|USED|DERIVED_FROM|NEW_VERSION_OF]->(b)
WITH a, r, b, a.id + '|' + type(r) + '|' + b.id + '|' + coalesce(r.context, '') AS key
WHERE key > $after
WITH a, r, b, key ORDER BY key
LIMIT $limit
RETURN key, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
