// Which of $ids already exist as Person nodes (the importer's reference check).
UNWIND $ids AS id
MATCH (n:Person {id: id})
RETURN n.id AS id
