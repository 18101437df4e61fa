// Store a new API key: its visible prefix, the keyed digest of the whole key, role and name.
CREATE (k:ApiKey)
SET k = $props
RETURN k.prefix AS prefix, k.name AS name, k.role AS role, k.createdAt AS createdAt
