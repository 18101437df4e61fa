// The state of each label's index (FalkorDB keeps one per label, vector fields included):
// OPERATIONAL once built, UNDER CONSTRUCTION while it indexes what is already stored.
CALL db.indexes() YIELD label, types, status
RETURN label, status AS state
