// Bulk vector loads only (maestro_graph/embed/bulk.py): the artifact vector index is rebuilt after.
DROP INDEX artifact_embedding IF EXISTS
