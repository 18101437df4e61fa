"""Turn driver result values into plain Python: dicts, lists, scalars.

Both adapters use this so that callers never see a driver's Node, Edge or Path class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def plain(value: Any) -> Any:
    """Nodes and relationships become their property dicts; paths, the list of their nodes."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    props = getattr(value, "properties", None)  # falkordb Node / Edge
    if isinstance(props, Mapping):
        return {k: plain(v) for k, v in props.items()}
    items = getattr(value, "items", None)  # neo4j Node / Relationship (a Relationship also has .nodes)
    if callable(items):
        return {k: plain(v) for k, v in items()}
    nodes = getattr(value, "nodes", None)  # falkordb Path (method) / neo4j Path (property)
    if nodes is not None:
        nodes = nodes() if callable(nodes) else nodes
        return [plain(n) for n in nodes]
    return value


class Vector(list):  # type: ignore[type-arg]
    """A vector parameter: floats the store keeps as float32 (`vecf32`, Neo4j's vector property).

    The FalkorDB adapter writes it with 9 significant digits, which round-trips every float32
    exactly, in about 60% of the text and half the CPU of a double's shortest repr (a 64-vector
    embedding write formats 24,576 floats on the event loop). Any other list keeps full precision.
    """
