"""The graph store port: the one surface the rest of Maestro talks to.

Two adapters implement it (`store/falkordb.py`, the embedded default, and `store/neo4j.py`).
Callers name a statement from `cypher/` and pass parameters; they never send Cypher text, so
the adapters own dialect differences and no user input is ever formatted into a query.

Every call runs against a named graph. `graph=None` means the store's default graph, so a
graph per tenant (or per test) needs no change to any query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

Row = dict[str, Any]


class StoreQueryError(RuntimeError):
    """A statement the store rejected: a bug in a cypher/ file, logged and never shown to clients."""

Params = Mapping[str, Any]


@runtime_checkable
class GraphStore(Protocol):
    """An async graph store that runs named Cypher statements.

    Results come back as plain Python values: nodes and relationships as dicts of their
    properties, paths as lists, maps as dicts. Nothing backend-specific leaks out.
    """

    dialect: str
    """`"falkordb"` or `"neo4j"`: which `cypher/<dialect>/` overrides apply."""

    graph: str
    """The default graph (a FalkorDB graph key, a Neo4j database)."""

    async def read(
        self, name: str, params: Params | None = None, *, graph: str | None = None, fill: Mapping[str, str] | None = None
    ) -> list[Row]:
        """Run a read-only statement; adapters may route it to a replica or a read transaction.

        `fill` fills a template's `/*SLOT*/` placeholders with compiler-built fragments only
        (see `store/statements.py`); never with anything a user typed.
        """
        ...

    async def write(self, name: str, params: Params | None = None, *, graph: str | None = None) -> list[Row]:
        """Run one statement atomically: all of its effects land, or none do."""
        ...

    async def batch(
        self, name: str, rows: Sequence[Mapping[str, Any]], *, batch_size: int, graph: str | None = None
    ) -> int:
        """Run an `UNWIND $rows` statement over `rows` in chunks of `batch_size`; returns rows sent.

        Each chunk is atomic. Batches exist because one round trip per record costs ~40x more
        than one per thousand (see bench/import_speed.py).
        """
        ...

    async def bootstrap(self, *, graph: str | None = None) -> None:
        """Create constraints and indexes (idempotent) and wait until they are usable."""
        ...

    async def vector_search(
        self, label: str, prop: str, vector: Sequence[float], k: int, *, graph: str | None = None
    ) -> list[tuple[Row, float]]:
        """The `k` nearest nodes of `label` by `prop`, as (properties, similarity) pairs."""
        ...

    def fulltext_query(self, terms: Sequence[str]) -> str:
        """Turn plain search words into this backend's full-text syntax (all words, prefix on the last)."""
        ...

    async def checkpoint(self) -> None:
        """Make what is written so far cheap to recover (FalkorDB: compact the append-only file).

        Called after schema changes and bulk writes: FalkorDB 4.16 replays writes that follow
        index DDL in its append-only file very slowly (a restart after a 30k-record import took
        69 s), while a compacted file loads as a snapshot in under a second.
        """
        ...

    async def drop_graph(self, graph: str) -> None:
        """Delete a whole graph (tests and `maestro demo --reset`)."""
        ...

    async def health(self) -> bool:
        """True when the store answers a trivial query."""
        ...

    def for_graph(self, graph: str) -> GraphStore:
        """The same store (same connections) with another default graph."""
        ...

    async def close(self) -> None:
        """Release connections; does not stop an embedded server (its owner does that)."""
        ...
