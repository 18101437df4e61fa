"""A store wrapper that counts and times every call, for /metrics and for tests.

It implements the port by delegation, so the API (and the round-trip test) sees exactly the
calls that reach the real store.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from prometheus_client import Histogram

from maestro_graph.store.port import GraphStore, Params, Row

STORE_SECONDS = Histogram(
    "maestro_store_call_seconds", "Graph store calls by statement", ["statement", "kind"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)

_children: dict[tuple[str, str], Any] = {}


class InstrumentedStore:
    def __init__(self, inner: GraphStore, calls: Counter[str] | None = None) -> None:
        self.inner = inner
        self.calls: Counter[str] = calls if calls is not None else Counter()

    @classmethod
    def wrap(cls, store: GraphStore) -> InstrumentedStore:
        return store if isinstance(store, InstrumentedStore) else cls(store)

    @property
    def dialect(self) -> str:
        return self.inner.dialect

    @property
    def graph(self) -> str:
        return self.inner.graph

    async def _timed(self, kind: str, name: str, call: Any) -> Any:
        self.calls[name] += 1
        start = time.perf_counter()
        try:
            return await call
        finally:
            child = _children.get((name, kind))
            if child is None:  # statement names and kinds are a fixed set: remembering every child is bounded
                child = _children[(name, kind)] = STORE_SECONDS.labels(name, kind)
            child.observe(time.perf_counter() - start)

    async def read(
        self, name: str, params: Params | None = None, *, graph: str | None = None, fill: Mapping[str, str] | None = None
    ) -> list[Row]:
        return await self._timed("read", name, self.inner.read(name, params, graph=graph, fill=fill))

    async def write(self, name: str, params: Params | None = None, *, graph: str | None = None) -> list[Row]:
        return await self._timed("write", name, self.inner.write(name, params, graph=graph))

    async def batch(self, name: str, rows: Sequence[Mapping[str, Any]], *, batch_size: int, graph: str | None = None) -> int:
        return await self._timed("batch", name, self.inner.batch(name, rows, batch_size=batch_size, graph=graph))

    async def bootstrap(self, *, graph: str | None = None) -> None:
        await self.inner.bootstrap(graph=graph)

    async def vector_search(self, label: str, prop: str, vector: Sequence[float], k: int, *, graph: str | None = None) -> list[tuple[Row, float]]:
        return await self._timed("read", "vector_search", self.inner.vector_search(label, prop, vector, k, graph=graph))

    def fulltext_query(self, terms: Sequence[str]) -> str:
        return self.inner.fulltext_query(terms)

    async def checkpoint(self) -> None:
        await self.inner.checkpoint()

    async def drop_graph(self, graph: str) -> None:
        await self.inner.drop_graph(graph)

    async def health(self) -> bool:
        return await self.inner.health()

    def for_graph(self, graph: str) -> InstrumentedStore:
        return InstrumentedStore(self.inner.for_graph(graph), self.calls)

    async def close(self) -> None:
        await self.inner.close()
