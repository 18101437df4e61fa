// Node and edge totals (import summaries, idempotency checks, /healthz detail).
MATCH (n)
WITH count(n) AS nodes
OPTIONAL MATCH ()-[r]->()
RETURN nodes, count(r) AS edges
