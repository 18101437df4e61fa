// Neo4j only: every index (constraint-backed ones too) and its state (ONLINE, POPULATING, FAILED).
// Neo4jStore.bootstrap polls it until all are ONLINE.
SHOW INDEXES YIELD name, state
RETURN name, state
