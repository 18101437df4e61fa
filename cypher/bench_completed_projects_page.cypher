// bench/list_filters.py's baseline: what a hand-written statement for one fixed filter costs
// (completed projects, by name, one page, with the total).
MATCH (p:Project)
WHERE p.status = 'completed'
WITH p ORDER BY p.name, p.id
WITH collect(p) AS matched
RETURN size(matched) AS total, [x IN matched[$skip..($skip + $limit)] | properties(x)] AS page
