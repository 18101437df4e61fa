"""Query fields grouped by topic; `schema.Query` inherits each group."""
