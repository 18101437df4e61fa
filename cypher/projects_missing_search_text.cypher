// Projects with a name but no stored search text (written before it existed; bootstrap backfills).
MATCH (n:Project)
WHERE n.name IS NOT NULL AND n.nameGrams IS NULL
RETURN n.id AS id, n.name AS name
LIMIT $limit
