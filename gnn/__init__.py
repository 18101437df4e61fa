"""The GNN package (import name `gnn`): not built yet.

It will hold the graph export to `torch_geometric.data.HeteroData`, the models, training,
evaluation against gradient-boosting and popularity baselines, and the model registry. It reads
the graph through `maestro_graph.store` only; the API loads its model directory and never
imports this package's training code.
"""
