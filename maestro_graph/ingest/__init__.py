"""Importers: the JSONL interchange format now; git, CI and MLflow importers come later."""
