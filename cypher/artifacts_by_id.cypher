// Artifact nodes by id, batched (DataLoader); missing ids simply return no row.
UNWIND $ids AS id
MATCH (n:Artifact {id: id})
RETURN id, properties(n) AS node
