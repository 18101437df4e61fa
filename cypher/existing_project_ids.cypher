// Which of $ids already exist as Project nodes (the importer's reference check).
UNWIND $ids AS id
MATCH (n:Project {id: id})
RETURN n.id AS id
