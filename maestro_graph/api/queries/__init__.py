"""Query fields by topic; `Query` in `api/schema.py` inherits each topic's type."""
