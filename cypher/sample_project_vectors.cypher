// Up to $n stored project vectors drawn at random, and how many projects hold one: the queries of
// the index recall check (embed/recall.py). A read that returns vectors; it never reaches a client.
MATCH (p:Project) WHERE p.embedding IS NOT NULL
WITH p, rand() AS r ORDER BY r
WITH collect(p)[0..$n] AS picked, count(p) AS total
UNWIND picked AS p
RETURN p.id AS id, p.embedding AS vector, total
