// One page of artifacts matching a compiled `where` (see service/filters.py), plus the total.
MATCH (p:Artifact)
WHERE ($preIds IS NULL OR p.id IN $preIds)
  AND ($preArtifactType IS NULL OR p.artifactType IN $preArtifactType)
  AND ($preName IS NULL OR p.name IN $preName)
WITH p, [leaf IN $leaves | coalesce(CASE leaf.op
        WHEN 'eq' THEN p[leaf.field] = leaf.value
        WHEN 'in' THEN p[leaf.field] IN leaf.values
        WHEN 'gt' THEN p[leaf.field] > leaf.value
        WHEN 'gte' THEN p[leaf.field] >= leaf.value
        WHEN 'lt' THEN p[leaf.field] < leaf.value
        WHEN 'lte' THEN p[leaf.field] <= leaf.value
        WHEN 'contains' THEN toLower(p[leaf.sfield]) CONTAINS toLower(leaf.svalue)
        WHEN 'has' THEN leaf.value IN p[leaf.lfield]
     END, false)] AS r
WHERE $matchAll OR reduce(st = [], ins IN $program | CASE ins.op
        WHEN 'leaf' THEN st + [r[ins.i]]
        WHEN 'true' THEN st + [true]
        WHEN 'not' THEN st[0..size(st) - 1] + [NOT st[size(st) - 1]]
        WHEN 'and' THEN st[0..size(st) - ins.n] + [all(x IN st[size(st) - ins.n..] WHERE x)]
        WHEN 'or' THEN st[0..size(st) - ins.n] + [any(x IN st[size(st) - ins.n..] WHERE x)]
     END)[0]
WITH p ORDER BY p[$orderField] IS NULL,  // nodes without the value come last, either direction
               CASE WHEN $desc THEN p[$orderField] END DESC,
               CASE WHEN $desc THEN null ELSE p[$orderField] END ASC, p.id ASC
WITH collect(p) AS matched
RETURN size(matched) AS total, [x IN matched[$skip..($skip + $limit)] | properties(x)] AS page
