// Predictions made for each project, newest first (for backtesting once the outcome is known).
UNWIND $ids AS pid
MATCH (x:Prediction)-[:FOR]->(:Project {id: pid})
WITH pid, x ORDER BY x.createdAt DESC, x.id
WITH pid, collect({node: properties(x)}) AS rows
RETURN pid AS id, size(rows) AS total, rows[$skip..($skip + $limit)] AS page
