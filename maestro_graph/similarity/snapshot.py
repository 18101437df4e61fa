"""A cached picture of one graph's projects: text fields, graph evidence and a TF-IDF index.

The snapshot is out of date when the graph changes: the API bumps a per-graph generation on
every write it makes, and a snapshot older than `ttl_s` is out of date anyway (writes by another
process). After a write through this process, a small graph's snapshot (up to `sync_max`
projects) is rebuilt before answering: it is quick, and the answer reflects the write. A large
graph's takes seconds (one store read of every project, a TF-IDF fit), so there, and whenever
only `ttl_s` passed, the previous snapshot keeps answering while one rebuild runs in the
background, and answers catch up when it lands; a project the snapshot has never seen is read
on its own and compared with the snapshot (service.py). The first snapshot also imports
scikit-learn and scipy (seconds): the API starts building it at start when the graph holds vectors.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from maestro_graph import quiet_build
from maestro_graph.background import stop
from maestro_graph.embed.texts import node_text
from maestro_graph.similarity.graph_index import GraphIndex
from maestro_graph.similarity.lexical import TOKEN, LexicalIndex, tokens
from maestro_graph.store.port import GraphStore

__all__ = ["TOKEN", "LexicalIndex", "ProjectFacts", "Snapshot", "SnapshotCache", "tokens"]
log = logging.getLogger("maestro.similarity")
T = TypeVar("T")
PAGE = 250  # projects per store read while building a snapshot (see read_projects)
TTL_BUILD_FACTOR = 20.0  # a snapshot no local write invalidated lives at least 20x its build time


@dataclass
class ProjectFacts:
    id: str
    name: str
    problem_class: str
    tags: frozenset[str]
    artifacts: dict[str, str]  # id -> name
    people: frozenset[str]
    text: str

    @classmethod
    def from_row(cls, r: Mapping[str, Any]) -> ProjectFacts:
        """From a row of `similarity_projects_page` (or `similarity_project`)."""
        return cls(id=r["id"], name=r.get("name") or "", problem_class=r.get("problemClass") or "other",
                   tags=frozenset(t.lower() for t in (r.get("tags") or [])),
                   artifacts={a["id"]: a.get("name") or a["id"] for a in (r.get("artifacts") or [])},
                   people=frozenset(r.get("people") or []), text=node_text("Project", r))


@dataclass
class Snapshot:
    """Projects of one graph in a fixed order, with the indexes each kind of evidence queries."""

    projects: list[ProjectFacts]
    built_at: float
    generation: int
    lexical: LexicalIndex
    graph: GraphIndex
    row: dict[str, int] = field(default_factory=dict)
    fusion: Any = None  # fusion.Weights, learned lazily and cached with the snapshot
    build_s: float = 0.0  # how long reading the projects and fitting the indexes took

    @classmethod
    def build(cls, rows: Sequence[Mapping[str, Any]], generation: int) -> Snapshot:
        projects = [ProjectFacts.from_row(r) for r in rows]
        graph = GraphIndex([p.artifacts.keys() for p in projects], [p.people for p in projects],
                           [p.tags for p in projects], [p.problem_class for p in projects])
        snap = cls(projects, time.monotonic(), generation, LexicalIndex([p.text for p in projects]), graph)
        snap.row = {p.id: i for i, p in enumerate(projects)}
        return snap

    def __len__(self) -> int:
        return len(self.projects)

    def graph_evidence(self, query: ProjectFacts) -> tuple[Any, Any]:
        """(graph score of every row, rows sharing an artifact, a person or a tag with `query`)."""
        return self.graph.evidence(query.artifacts.keys(), query.people, query.tags, query.problem_class)


async def read_projects(store: GraphStore, page: int = PAGE) -> list[dict[str, Any]]:
    """Every project's similarity facts, in id order, `page` projects per statement.

    Pages bound two things: one read of 20k projects outlived the store's 30 s timeout on a
    loaded machine, and a reply is decoded on the event loop, where a 2,000-project page held
    every other request for 130-300 ms (a point read's p99 went from 3 ms to 0.8 s while a 100k
    snapshot was read); between pages, while the next one is read, waiting requests run."""
    rows: dict[str, dict[str, Any]] = {}
    skip = 0
    while True:
        chunk = await store.read("similarity_projects_page", {"skip": skip, "limit": page})
        rows.update((r["id"], r) for r in chunk)  # a page shifted by a concurrent write may repeat one
        if len(chunk) < page:
            return [rows[i] for i in sorted(rows)]
        skip += len(chunk)


class SnapshotCache:
    """One snapshot per graph; out of date when the graph's generation moved or `ttl_s` passed."""

    def __init__(self, ttl_s: float = 30.0, fusion_ttl_s: float = 600.0, sync_max: int = 1000) -> None:
        self.ttl_s = ttl_s
        self.fusion_ttl_s = fusion_ttl_s
        self.sync_max = sync_max
        self.generations: dict[str, int] = defaultdict(int)
        self._snapshots: dict[str, Snapshot] = {}
        self._building: dict[str, asyncio.Task[Any]] = {}  # snapshot rebuilds and fusion learning, by key
        # Learned weights outlive snapshots: learning costs ~100 store calls, and a few writes do
        # not change which kind of evidence predicts reuse. Relearned at most every fusion_ttl_s.
        self.fusions: dict[str, tuple[Any, float]] = {}

    def changed(self, graph: str) -> None:
        """Called after any write to `graph` made through this process."""
        self.generations[graph] += 1

    def _current(self, snap: Snapshot | None, graph: str) -> bool:
        return (snap is not None and snap.generation == self.generations[graph]
                and time.monotonic() - snap.built_at <= self.max_age(snap))

    def max_age(self, snap: Snapshot) -> float:
        """How long a snapshot no write of this process invalidated stays current: `ttl_s`, or
        TTL_BUILD_FACTOR times what building it took when that is longer. At 100k projects a
        build takes seconds of the event loop's CPU (page decoding; TF-IDF in a thread, which
        shares the GIL); rebuilding every 30 s then slowed a large share of all answers, now at
        most 1 / TTL_BUILD_FACTOR of the time goes to rebuilds that no local write asked for."""
        return max(self.ttl_s, TTL_BUILD_FACTOR * snap.build_s)

    async def get(self, store: GraphStore) -> Snapshot:
        """The graph's snapshot (see the module docstring for when it is rebuilt, and how)."""
        graph = store.graph
        snap = self._snapshots.get(graph)
        if self._current(snap, graph):
            assert snap is not None
            return snap
        written = snap is not None and snap.generation != self.generations[graph]  # else only older than ttl_s
        if snap is None or (written and len(snap) <= self.sync_max):
            for _ in range(3):  # a rebuild already in flight may predate the last write: then one more
                snap = await asyncio.shield(self._rebuild(store))
                if self._current(snap, graph):
                    break
            return snap
        self._rebuild(store)  # in the background; this answer comes from the previous snapshot
        return snap

    def _rebuild(self, store: GraphStore) -> asyncio.Task[Snapshot]:
        """The graph's one rebuild in flight, started if none is."""
        return self.background(store.graph, self._build(store))

    def warm(self, store: GraphStore) -> None:
        """Start building the graph's snapshot now (the API's start, when the graph holds vectors)."""
        self._rebuild(store)

    def background(self, key: str, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run `work` as the one task under `key`, unless one is already running (then `work` is dropped)."""
        task = self._building.get(key)
        if task is None or task.done():
            task = asyncio.create_task(work, name=f"maestro-similarity-{key}")
            task.add_done_callback(self._settle)
            self._building[key] = task
        else:
            work.close()
        return task

    @staticmethod
    def _settle(task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.warning("similarity background work %s failed: %s", task.get_name(), task.exception())

    async def _build(self, store: GraphStore) -> Snapshot:
        graph = store.graph
        generation = self.generations[graph]
        started = time.monotonic()
        with quiet_build.quietly():  # a large rebuild runs beside requests: see quiet_build.py
            rows = await read_projects(store)
            # TF-IDF over a large graph takes seconds: built in a thread, the event loop keeps serving
            snap = await asyncio.to_thread(Snapshot.build, rows, generation)
            await asyncio.to_thread(quiet_build.release, rows)
        snap.build_s = time.monotonic() - started
        kept = self.fusions.get(graph)
        if kept is not None and time.monotonic() - kept[1] < self.fusion_ttl_s:
            snap.fusion = kept[0]
        old = self._snapshots.get(graph)
        self._snapshots[graph] = snap
        if len(snap) > self.sync_max:
            quiet_build.settle()
        if old is not None and len(old) > self.sync_max:
            facts = old.projects[:]  # the facts outlive the snapshot here, then go a piece at a time
            del old
            await asyncio.to_thread(quiet_build.release, facts)
        return snap

    async def settled(self, graph: str) -> None:
        """Wait for the graph's rebuild and fusion learning in flight, if any (tests, benchmarks)."""
        for key in (graph, f"fusion:{graph}"):
            task = self._building.get(key)
            if task is not None:
                with contextlib.suppress(Exception):
                    await task

    async def close(self) -> None:
        """Cancel rebuilds in flight (the app's lifespan end)."""
        tasks, self._building = list(self._building.values()), {}
        for task in tasks:
            await stop(task)
