"""CLI command groups that live outside `cli.py` (each registered there in one line)."""
