"""Query fields grouped by topic; `Query` in api/schema.py inherits each group."""
