// (Person)-[:MEMBER_OF]->(Project), one edge per pair; role/since updated in place.
UNWIND $rows AS r
MATCH (u:Person {id: r.person})
MATCH (p:Project {id: r.project})
OPTIONAL MATCH (u)-[old:MEMBER_OF]->(p)
WITH r, u, p, old IS NULL AS isNew
MERGE (u)-[m:MEMBER_OF]->(p)
SET m += r.props
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created
