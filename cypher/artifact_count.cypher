// How many artifacts have a vector: decides exact or indexed nearest-neighbour search.
MATCH (a:Artifact) WHERE a.embedding IS NOT NULL
RETURN count(a) AS n
