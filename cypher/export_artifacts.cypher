// One page of Artifact nodes for `maestro export`, in id order (vectors are not exported).
MATCH (n:Artifact)
WITH n ORDER BY n.id
SKIP $skip LIMIT $limit
RETURN properties(n) AS props
