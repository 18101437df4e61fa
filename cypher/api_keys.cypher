// Every API key, oldest first, without its digest.
MATCH (k:ApiKey)
RETURN k.prefix AS prefix, k.name AS name, k.role AS role, k.createdAt AS createdAt,
       k.createdBy AS createdBy, k.revokedAt AS revokedAt
ORDER BY k.createdAt, k.prefix
