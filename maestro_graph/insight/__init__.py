"""Learning that is not the GNN: impact scores, team-size and outcome logic."""
