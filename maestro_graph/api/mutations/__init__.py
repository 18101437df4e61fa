"""Mutation fields by topic; `Mutation` in `api/schema.py` inherits each topic's type."""
