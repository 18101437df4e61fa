"""`similarProjects` and the semantic half of `searchArtifacts`: candidates, scores, reasons.

Candidates come from each kind of evidence (top TF-IDF matches, nearest vectors, projects that
share artifacts, people or tags); every candidate is then scored on all three, fused
(`fusion.py`) and explained. Vectors never leave the store: the statements compare them there
and return ids and similarities.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from maestro_graph import model as m
from maestro_graph.embed.bulk import index_ready
from maestro_graph.embed.encoder import Encoder, EncoderUnavailable
from maestro_graph.embed.texts import node_text
from maestro_graph.errors import InvalidInput, NotFound
from maestro_graph.similarity import fusion
from maestro_graph.similarity.snapshot import ProjectFacts, Snapshot, SnapshotCache
from maestro_graph.store.port import GraphStore, Row, StoreQueryError
from maestro_graph.store.values import Vector

log = logging.getLogger("maestro.similarity")
MAX_K = 100
RECENT_TEXTS = 256
ANY_VECTOR = {"Project": "project_vector_any", "Artifact": "artifact_vector_any"}
LEARN_QUERIES = 60


@dataclass
class Similarity:
    """What the similarity service keeps between calls: the encoder and the per-graph snapshots."""

    encoder: Encoder | None
    cache: SnapshotCache = field(default_factory=SnapshotCache)
    exact_max_nodes: int = 2_000
    recent: OrderedDict[str, Vector] = field(default_factory=OrderedDict)  # text -> vector, newest last
    unindexed: set[tuple[str, str]] = field(default_factory=set)  # (graph, label) answered exactly: logged once
    with_vectors: set[tuple[str, str]] = field(default_factory=set)  # (graph, label) seen holding a vector
    without_vectors: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict)  # -> (generation, when)

    async def has_vectors(self, store: GraphStore, label: str) -> bool:
        """Whether any `label` node holds a vector. Without one a query is not encoded: the model
        would load (8 s on a cold server here) to compare the query with nothing.

        A "yes" is kept (vectors are not taken away); a "no" holds until a write through this
        process (the background worker's included) or the snapshot TTL, for writes by others."""
        key = (store.graph, label)
        if key in self.with_vectors:
            return True
        generation = self.cache.generations[store.graph]
        seen = self.without_vectors.get(key)
        if seen is not None and seen[0] == generation and time.monotonic() - seen[1] < self.cache.ttl_s:
            return False
        if await store.read(ANY_VECTOR[label]):
            self.with_vectors.add(key)
            self.without_vectors.pop(key, None)
            return True
        self.without_vectors[key] = (generation, time.monotonic())
        return False

    def vectors_written(self, graph: str) -> None:
        """After the background worker stored vectors: "no vectors" is no longer known. The
        snapshot stays (it holds no vector): re-reading a 100k graph after every embedded batch
        kept a rebuild running for as long as embedding did (quiet_build.py has its cost)."""
        for key in [k for k in self.without_vectors if k[0] == graph]:
            del self.without_vectors[key]

    async def query_vector(self, store: GraphStore, label: str, text: str) -> list[float] | None:
        """`text`'s vector to compare with `label` nodes; None without a model or without any such
        node holding a vector (semantic evidence then drops out)."""
        if self.encoder is None or not await self.has_vectors(store, label):
            return None
        return await self.encode(text)

    async def encode(self, text: str) -> list[float] | None:
        """The text's vector, or None when no model is available (semantic evidence then drops out).

        The last `RECENT_TEXTS` texts' vectors are kept: a person re-runs the same spec or search
        (paging, a form re-submitted, GraphiQL), and the encoder is most of such a call's time."""
        if self.encoder is None:
            return None
        vector = self.recent.pop(text, None)
        if vector is None:
            try:
                vector = Vector((await asyncio.to_thread(self.encoder.encode_query, [text]))[0])
            except EncoderUnavailable:
                return None
        self.recent[text] = vector
        while len(self.recent) > RECENT_TEXTS:
            self.recent.popitem(last=False)
        return vector


@dataclass
class Scored:
    id: str
    score: float
    semantic: float
    lexical: float
    graph: float
    reasons: list[str]


def spec_facts(spec: Mapping[str, Any]) -> ProjectFacts:
    """An unsaved project, validated like a stored one (unknown keys are the caller's mistake)."""
    name = m.check_text(spec.get("name"), "spec.name", required=False) or ""
    description = m.check_text(spec.get("description"), "spec.description", max_len=m.MAX_TEXT, required=False, multiline=True) or ""
    problem_class = m.check_enum(spec.get("problemClass") or "other", m.ProblemClass, "spec.problemClass")
    tags = m.check_tags(spec.get("tags"))
    if spec.get("complexityScore") is not None:
        m.check_number(spec["complexityScore"], "spec.complexityScore", lo=1, hi=10, integer=True)
    if not (name or description or tags):
        raise InvalidInput("a spec needs a name, a description or tags", "spec")
    node = {"name": name, "description": description, "problemClass": problem_class, "tags": tags}
    return ProjectFacts(id="", name=name, problem_class=problem_class, tags=frozenset(t.lower() for t in tags),
                        artifacts={}, people=frozenset(), text=node_text("Project", node))


NEAREST = {"Project": ("project_neighbours_exact", "project_neighbours_ann"),
           "Artifact": ("artifact_neighbours_exact", "artifact_neighbours_ann")}


def neighbours_statement(sim: Similarity, snap: Snapshot) -> str:
    """Exact search up to MAESTRO_EMBEDDING_EXACT_MAX_NODES projects, the HNSW index above."""
    return NEAREST["Project"][0] if len(snap) <= sim.exact_max_nodes else NEAREST["Project"][1]


async def nearest(store: GraphStore, sim: Similarity, label: str, total: int, params: dict[str, Any]) -> list[Row]:
    """The nearest vectors of `label`: exact search up to MAESTRO_EMBEDDING_EXACT_MAX_NODES nodes,
    the HNSW index above, and exact search again while that index is missing or being built.

    FalkorDB builds an index in the background (after a restart, a bulk load, `maestro embed`
    rebuilding an index made with older options: minutes at 100k) and refuses queries meanwhile;
    a slower answer (~60 ms at 100k) is better than an error. Any other failure is raised."""
    exact, ann = NEAREST[label]
    if total <= sim.exact_max_nodes:
        return await store.read(exact, params)
    try:
        rows = await store.read(ann, params)
    except StoreQueryError:
        if await index_ready(store, label):
            raise
        if (store.graph, label) not in sim.unindexed:
            log.warning("the %s vector index of graph %r is not built yet: exact search answers meanwhile",
                        label, store.graph)
        sim.unindexed.add((store.graph, label))
        return await store.read(exact, params)
    sim.unindexed.discard((store.graph, label))
    return rows


async def semantic_candidates(
    store: GraphStore, sim: Similarity, snap: Snapshot, *, stored_id: str | None, vector: list[float] | None, pool: int,
) -> dict[int, float]:
    """Snapshot row -> cosine similarity of the `pool` nearest projects (best first; never the query)."""
    semantic: dict[int, float] = {}
    if stored_id is None and vector is None:
        return semantic
    for row in await nearest(store, sim, "Project", len(snap), {"id": stored_id, "vector": vector, "k": pool}):
        if row["id"] in snap.row:
            semantic[snap.row[row["id"]]] = max(0.0, float(row["similarity"]))
    return semantic


def _top(scores: Any, rows: Any, pool: int) -> list[int]:
    """The `pool` rows of `rows` with the highest scores, best first (ties: lower row first)."""
    import numpy as np

    if len(rows) > pool:
        rows = rows[np.argpartition(-scores[rows], pool - 1)[:pool]]
    return [int(i) for i in rows[np.lexsort((rows, -scores[rows]))]]


async def components(
    store: GraphStore, sim: Similarity, snap: Snapshot, query: ProjectFacts, *, stored_id: str | None,
    vector: list[float] | None, pool: int, exclude: str | None, terms: Any = None,
) -> dict[int, tuple[float, float, float]]:
    """Candidate rows of the snapshot -> (semantic, lexical, graph), each in [0, 1].

    Candidates: the `pool` best of each kind of evidence. Lexical and graph scores of every
    project come from one sparse product each (snapshot indexes); the semantic ones from the
    store: the nearest vectors, and the similarity of the lexical and graph candidates. The
    nearest-vector read (the HNSW search: the slowest part at 100k projects) is sent first, and
    the store searches while this process computes the lexical and graph evidence; the second
    read runs beside it. A call waits for the slower read, not for the sum.
    """
    nearest = asyncio.ensure_future(semantic_candidates(store, sim, snap, stored_id=stored_id, vector=vector, pool=pool))
    try:
        await asyncio.sleep(0)  # let the read reach the store before the CPU work below
        if terms is None:
            terms = snap.lexical.vectorize(query.text)
        lexical = snap.lexical.query(terms)
        lex_rows = _top(lexical, lexical.nonzero()[0], pool)
        graph, linked = snap.graph_evidence(query)
        graph_rows = _top(graph, linked, pool)
        rows = (set(lex_rows) | set(graph_rows)) - {snap.row.get(exclude or "", -1)}
        others = await _semantic_scores(store, snap, stored_id=stored_id, vector=vector, rows=rows)
        semantic = await nearest
    finally:  # this call failed or was cancelled: stop the read, or mark its failure seen
        if not nearest.done():
            nearest.cancel()
        elif not nearest.cancelled():
            nearest.exception()
    semantic.update(others)
    rows |= semantic.keys()
    return {i: (semantic.get(i, 0.0), float(lexical[i]), float(graph[i])) for i in rows}


async def _semantic_scores(
    store: GraphStore, snap: Snapshot, *, stored_id: str | None, vector: list[float] | None, rows: set[int],
) -> dict[int, float]:
    """Snapshot row -> cosine similarity to the query, for `rows` (empty without a query vector)."""
    if (stored_id is None and vector is None) or not rows:
        return {}
    params = {"id": stored_id, "vector": vector, "ids": [snap.projects[i].id for i in sorted(rows)]}
    return {snap.row[r["id"]]: max(0.0, float(r["similarity"]))
            for r in await store.read("project_semantic_scores", params) if r["id"] in snap.row}


def reasons(snap: Snapshot, query: ProjectFacts, row: int, semantic: float, q_terms: Any) -> list[str]:
    other = snap.projects[row]
    out = []
    if query.problem_class == other.problem_class and query.problem_class != "other":
        out.append("same problem class")
    shared = sorted(other.artifacts[a] for a in query.artifacts.keys() & other.artifacts.keys())
    if shared:
        out.append(f"shares {len(shared)} artifact{'s' if len(shared) > 1 else ''}: {', '.join(shared[:3])}")
    terms = snap.lexical.matching_terms(q_terms, row)
    if terms:
        out.append(f"matching terms: {', '.join(terms)}")
    people = len(query.people & other.people)
    if people:
        out.append(f"{people} {'person' if people == 1 else 'people'} in common")
    tags = sorted(query.tags & other.tags)
    if tags:
        out.append(f"shared tags: {', '.join(tags[:3])}")
    if semantic >= 0.5:
        out.append("similar description")
    return out


async def weights(store: GraphStore, sim: Similarity, snap: Snapshot) -> fusion.Weights:
    """The snapshot's fusion weights (see fusion.py), learned once per snapshot.

    Learning runs ~60 candidate searches. On a small graph that is quick and the first answer
    uses the learned weights; on a large one (more than the cache's `sync_max` projects) it took
    longer than a request's budget, so it runs in the background and answers use reciprocal rank
    fusion until it lands.
    """
    if snap.fusion is not None:
        return snap.fusion
    kept = sim.cache.fusions.get(store.graph)  # learned on an earlier snapshot, still recent
    if kept is not None and time.monotonic() - kept[1] < sim.cache.fusion_ttl_s:
        snap.fusion = kept[0]
        return snap.fusion
    if len(snap) <= sim.cache.sync_max:
        await _learn(store, sim, snap)
        return snap.fusion or fusion.RRF
    sim.cache.background(f"fusion:{store.graph}", _learn(store, sim, snap))
    return fusion.RRF


async def _learn(store: GraphStore, sim: Similarity, snap: Snapshot) -> None:
    teachers = [p for p in snap.projects if p.artifacts]
    step = max(1, len(teachers) // LEARN_QUERIES)
    judged = []
    for p in teachers[::step][:LEARN_QUERIES]:
        cold = ProjectFacts(p.id, p.name, p.problem_class, p.tags, {}, frozenset(), p.text)
        comps = await components(store, sim, snap, cold, stored_id=p.id, vector=None, pool=50, exclude=p.id)
        order = list(comps)
        gains = [_jaccard(p.artifacts.keys(), snap.projects[i].artifacts.keys()) for i in order]
        judged.append(fusion.Judged([comps[i] for i in order], gains))
    snap.fusion = fusion.learn(judged)
    sim.cache.fusions[store.graph] = (snap.fusion, time.monotonic())


def _jaccard(a: Any, b: Any) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a and b else 0.0


async def similar_projects(
    store: GraphStore, sim: Similarity, *, project_id: str | None, spec: Mapping[str, Any] | None, k: int,
) -> list[Scored]:
    """The k projects most like a stored project (never itself) or an unsaved spec, explained."""
    if (project_id is None) == (spec is None):
        raise InvalidInput("give exactly one of projectId and spec", "projectId")
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be between 1 and {MAX_K}", "k")
    snap = await sim.cache.get(store)
    if project_id is not None:
        query = await _stored_facts(store, sim, snap, project_id)
        vector, stored = None, project_id
    else:
        query = spec_facts(spec or {})
        vector = await sim.query_vector(store, "Project", query.text)
        stored = None
    q_terms = snap.lexical.vectorize(query.text)
    comps = await components(store, sim, snap, query, stored_id=stored, vector=vector, pool=max(50, 5 * k),
                             exclude=project_id, terms=q_terms)
    w = await weights(store, sim, snap)
    rows = list(comps)
    scores = fusion.fused_scores(w, [comps[i] for i in rows])
    ranked = sorted(zip(rows, scores), key=lambda rs: (-rs[1], snap.projects[rs[0]].id))[:k]
    return [Scored(snap.projects[i].id, s, *comps[i], reasons=reasons(snap, query, i, comps[i][0], q_terms))
            for i, s in ranked]


async def _stored_facts(store: GraphStore, sim: Similarity, snap: Snapshot, project_id: str) -> ProjectFacts:
    """The project's facts: from the snapshot, or, for one it has not read (created since, or by
    another process), from the store, compared with the snapshot as it is. Waiting for a rebuild
    instead took longer than a request's budget on a large graph (~27 s at 100k projects). The
    snapshot is marked out of date, so the project joins the candidates when it is rebuilt."""
    row = snap.row.get(project_id)
    if row is not None:
        return snap.projects[row]
    found = await store.read("similarity_project", {"id": project_id})
    if not found:
        raise NotFound(f"no project {project_id}", "projectId")
    sim.cache.changed(store.graph)
    return ProjectFacts.from_row(found[0])


async def artifact_neighbours(store: GraphStore, sim: Similarity, text: str, k: int, total: int) -> dict[str, float]:
    """Artifact id -> cosine similarity to `text`, for the `k` nearest (empty without a model or
    without any artifact vector)."""
    vector = await sim.query_vector(store, "Artifact", text)
    if vector is None:
        return {}
    rows = await nearest(store, sim, "Artifact", total, {"vector": vector, "k": k})
    return {row["id"]: float(row["similarity"]) for row in rows}
