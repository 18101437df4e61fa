// Up to $n stored artifact vectors drawn at random, and how many artifacts hold one: the queries of
// the index recall check (embed/recall.py). A read that returns vectors; it never reaches a client.
MATCH (a:Artifact) WHERE a.embedding IS NOT NULL
WITH a, rand() AS r ORDER BY r
WITH collect(a)[0..$n] AS picked, count(a) AS total
UNWIND picked AS a
RETURN a.id AS id, a.embedding AS vector, total
