// Project nodes by id, batched (DataLoader); missing ids simply return no row.
UNWIND $ids AS id
MATCH (n:Project {id: id})
RETURN id, properties(n) AS node
