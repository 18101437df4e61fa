// Revoke a key by prefix (idempotent: the first revocation time is kept).
MATCH (k:ApiKey {prefix: $prefix})
SET k.revokedAt = coalesce(k.revokedAt, $now), k.revokedBy = coalesce(k.revokedBy, $by)
RETURN k.prefix AS prefix, k.revokedAt AS revokedAt
