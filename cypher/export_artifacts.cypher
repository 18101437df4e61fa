// One page of Artifact nodes for `maestro export`, after the id $after in id order (keyset paging:
// a node added or deleted meanwhile cannot shift later pages). Vectors are not exported.
MATCH (n:Artifact)
WHERE n.id > $after
WITH n ORDER BY n.id
LIMIT $limit
RETURN n.id AS key, properties(n) AS props
