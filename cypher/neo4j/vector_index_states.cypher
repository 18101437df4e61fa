// The state of each vector index by label: ONLINE once built, POPULATING while it indexes.
SHOW INDEXES YIELD labelsOrTypes, type, state WHERE type = 'VECTOR'
RETURN labelsOrTypes[0] AS label, state
