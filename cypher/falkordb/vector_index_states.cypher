// The state of each label's vector index: OPERATIONAL once built, "[Indexing] n/N: UNDER
// CONSTRUCTION" while it indexes what is already stored. FalkorDB keeps one index per label for
// all its fields and lists a label with no vector field too (its range index): only labels whose
// index holds the embedding field count. While an index is rebuilt the label has two rows, the
// old index (without the field) and the one being built.
CALL db.indexes() YIELD label, types, status
WITH label, types, status WHERE 'VECTOR' IN coalesce(types.embedding, [])
RETURN label, status AS state
