"""Ranking metrics and paired-bootstrap confidence intervals, shared by every evaluation
(similarity here, the GNN's recommendations later): plain Python and numpy, no model code."""
