// Ids of artifacts the project $value used (a `where: {usedBy: {id}}` condition).
MATCH (:Project {id: $value})-[:USED]->(a:Artifact)
RETURN collect(DISTINCT a.id) AS ids
