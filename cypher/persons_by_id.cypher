// Person nodes by id, batched (DataLoader); missing ids simply return no row.
UNWIND $ids AS id
MATCH (n:Person {id: id})
RETURN id, properties(n) AS node
