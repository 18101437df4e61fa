"""Strawberry types: plain dataclass-like classes, built from the service layer's dicts."""
