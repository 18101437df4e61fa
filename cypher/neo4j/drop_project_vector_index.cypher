// Bulk vector loads only (maestro_graph/embed/bulk.py): the project vector index is rebuilt after.
DROP INDEX project_embedding IF EXISTS
