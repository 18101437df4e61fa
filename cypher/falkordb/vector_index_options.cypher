// The options each label's vector field was indexed with (embed/bulk.py::stale_indexes compares
// them with create_*_vector_index: an index created by an older release keeps its own efRuntime).
CALL db.indexes() YIELD label, options
RETURN label, options.embedding AS options
