// Store the lower-cased name and its trigrams computed in Python (maestro_graph/substrings.py).
UNWIND $rows AS r
MATCH (n:Project {id: r.id})
SET n.nameLower = r.nameLower, n.nameGrams = r.nameGrams
RETURN count(n) AS updated
