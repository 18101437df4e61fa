"""Insight that is not the GNN: process signals (velocity, DORA), impact, team size."""
