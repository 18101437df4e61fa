// One page of Person nodes for `maestro export`, after the id $after in id order (keyset paging:
// a node added or deleted meanwhile cannot shift later pages). Vectors are not exported.
MATCH (n:Person)
WHERE n.id > $after
WITH n ORDER BY n.id
LIMIT $limit
RETURN n.id AS key, properties(n) AS props
