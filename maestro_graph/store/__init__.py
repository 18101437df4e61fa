"""The graph store: one async port (`GraphStore`), two adapters, and how to open one."""

from maestro_graph.store.open import open_store
from maestro_graph.store.port import GraphStore

__all__ = ["GraphStore", "open_store"]
