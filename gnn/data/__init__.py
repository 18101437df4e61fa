"""Reading the graph for learning: a snapshot, content features, project splits, HeteroData."""
