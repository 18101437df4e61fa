// Neo4j only: delete up to $limit nodes with their relationships (Neo4jStore.drop_graph loops
// until 0). Community edition has one database and no DROP DATABASE, so a graph is emptied.
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
