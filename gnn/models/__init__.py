"""The meta-model's tasks: each a set of honest baselines and candidates scored in one evaluation."""
