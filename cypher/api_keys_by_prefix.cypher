// The keys with a prefix (normally one), to verify a presented key against their digests.
MATCH (k:ApiKey {prefix: $prefix})
RETURN k.prefix AS prefix, k.name AS name, k.role AS role, k.digest AS digest, k.revokedAt AS revokedAt
