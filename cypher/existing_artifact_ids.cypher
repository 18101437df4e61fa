// Which of $ids already exist as Artifact nodes (the importer's reference check).
UNWIND $ids AS id
MATCH (n:Artifact {id: id})
RETURN n.id AS id
