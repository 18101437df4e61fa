"""`maestro` sub-commands grouped by topic, registered in `cli.py`."""
