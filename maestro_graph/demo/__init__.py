"""A deterministic synthetic demo organisation, with planted signal for the learning code."""
