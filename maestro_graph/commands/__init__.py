"""Sub-commands of `maestro`, one module per topic, registered in `maestro_graph/cli.py`."""
