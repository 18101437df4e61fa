// One page of Person nodes for `maestro export`, in id order (vectors are not exported).
MATCH (n:Person)
WITH n ORDER BY n.id
SKIP $skip LIMIT $limit
RETURN properties(n) AS props
