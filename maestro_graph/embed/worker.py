"""The API's background embedder: mutations hand it node ids and return at once.

A bounded queue holds the ids; one task drains it, batching whatever has arrived, and encodes in
a thread so the event loop keeps answering reads. When the queue is full the id is not lost: the
worker is marked behind and, once the queue is empty, sweeps the graph for missing or stale
vectors (the same sweep `maestro embed` does), so a burst of writes degrades into one sweep.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from maestro_graph.background import stop
from maestro_graph.embed.encoder import Encoder
from maestro_graph.embed.upkeep import embed_nodes
from maestro_graph.store.port import GraphStore

log = logging.getLogger("maestro.embed")
Job = tuple[str, str, str]  # (graph, label, id)


class EmbeddingWorker:
    """Start it in the app's lifespan (`async with worker:`); `submit` never blocks."""

    def __init__(self, store: GraphStore, encoder: Encoder, *, queue_size: int = 1000, batch_size: int = 64,
                 on_embedded: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.encoder = encoder
        self.batch_size = batch_size
        self.queue: asyncio.Queue[Job] = asyncio.Queue(maxsize=queue_size)
        self.behind: set[str] = set()  # graphs that need a sweep because a submit found the queue full
        self.on_embedded = on_embedded
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False

    def submit(self, label: str, node_id: str, graph: str | None = None) -> None:
        graph = graph or self.store.graph
        self._idle.clear()
        try:
            self.queue.put_nowait((graph, label, node_id))
        except asyncio.QueueFull:
            self.behind.add(graph)

    @property
    def idle(self) -> bool:
        """True when nothing submitted is waiting or being embedded."""
        return self._idle.is_set()

    async def drained(self) -> None:
        """Wait until everything submitted so far is embedded (tests, `maestro` commands)."""
        await self._idle.wait()

    async def __aenter__(self) -> EmbeddingWorker:
        self._task = asyncio.create_task(self._run(), name="maestro-embedding-worker")
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stopping = True
        if self._task is not None:
            await stop(self._task)

    async def _run(self) -> None:
        while not self._stopping:
            if self.queue.empty() and not self.behind:
                self._idle.set()
            jobs = [await self.queue.get()] if not self.behind or not self.queue.empty() else []
            while jobs and len(jobs) < self.batch_size and not self.queue.empty():
                jobs.append(self.queue.get_nowait())
            try:
                await self._embed(jobs)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the worker outlives one bad batch; the next sweep retries
                if self._stopping:
                    return
                log.exception("background embedding failed")
                await asyncio.sleep(1.0)

    async def _embed(self, jobs: list[Job]) -> None:
        by_target: dict[tuple[str, str], list[str]] = {}
        for graph, label, node_id in jobs:
            by_target.setdefault((graph, label), []).append(node_id)
        for (graph, label), ids in by_target.items():
            await embed_nodes(self.store.for_graph(graph), self.encoder, labels=[label], ids=sorted(set(ids)),
                              batch_size=self.batch_size)
            if self.on_embedded:
                self.on_embedded(graph)
        if not jobs and self.behind:
            graph = self.behind.pop()
            await embed_nodes(self.store.for_graph(graph), self.encoder, batch_size=self.batch_size)
            if self.on_embedded:
                self.on_embedded(graph)
