"""The meta-model package (import name `gnn`): the graph export to PyG HeteroData, the models and
their baselines, training and evaluation, and the model registry.

It reads the graph through `maestro_graph.store` only; the API loads a trained model directory
through `gnn.predict` and never imports the training code. Importing `maestro_graph` first sets
the OpenMP wait policy before torch loads (see `maestro_graph/__init__.py`).
"""

import maestro_graph  # noqa: F401
