"""A cached picture of one graph's projects: text fields, neighbours, and a TF-IDF index.

Lexical scoring lives here rather than in the store because the store's full-text index scores
TF-IDF with no control over weighting, and "which words matched" must be explained. The
snapshot is rebuilt when the graph changes: the API bumps a per-graph generation on every
write it makes, and a snapshot older than `ttl_s` is rebuilt anyway (writes by another process).
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from maestro_graph.embed.texts import node_text
from maestro_graph.store.port import GraphStore

TOKEN = re.compile(r"[a-z][a-z0-9]+")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


@dataclass
class ProjectFacts:
    id: str
    name: str
    problem_class: str
    tags: frozenset[str]
    artifacts: dict[str, str]  # id -> name
    people: frozenset[str]
    text: str


class LexicalIndex:
    """TF-IDF (sublinear tf, smooth idf, English stop words) over one text per document.

    Scores are cosines in [0, 1]; `matching_terms` names the shared words that weigh most.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", token_pattern=TOKEN.pattern,
                                          lowercase=True, min_df=1)
        self.size = len(texts)
        self.matrix: Any = None
        self.terms: Any = None
        try:
            self.matrix = self.vectorizer.fit_transform(texts)
            self.terms = self.vectorizer.get_feature_names_out()
        except ValueError:  # no documents, or nothing but stop words: no lexical evidence
            pass
        self.empty = self.matrix is None

    def vectorize(self, text: str) -> Any:
        """The query's TF-IDF row (None when nothing is indexed); compute once, use for scores and terms."""
        return None if self.empty else self.vectorizer.transform([text])

    def query(self, q: Any) -> Any:
        """A dense array of cosine scores, one per document (empty when nothing is indexed)."""
        import numpy as np

        if q is None or self.matrix is None:
            return np.zeros(self.size)
        return (self.matrix @ q.T).toarray().ravel()

    def matching_terms(self, q: Any, row: int, limit: int = 3) -> list[str]:
        if q is None or self.matrix is None:
            return []
        both = self.matrix[row].multiply(q).tocoo()
        ranked = sorted(zip(both.data, both.col), reverse=True)[:limit]
        return [str(self.terms[c]) for _, c in ranked]


@dataclass
class Snapshot:
    """Projects of one graph in a fixed order, with inverted indexes for the graph evidence."""

    projects: list[ProjectFacts]
    built_at: float
    generation: int
    lexical: LexicalIndex
    row: dict[str, int] = field(default_factory=dict)
    by_artifact: dict[str, list[int]] = field(default_factory=dict)
    by_person: dict[str, list[int]] = field(default_factory=dict)
    by_tag: dict[str, list[int]] = field(default_factory=dict)
    fusion: Any = None  # fusion.Weights, learned lazily and cached with the snapshot

    @classmethod
    def build(cls, rows: Sequence[Mapping[str, Any]], generation: int) -> Snapshot:
        projects = [
            ProjectFacts(
                id=r["id"], name=r.get("name") or "", problem_class=r.get("problemClass") or "other",
                tags=frozenset(t.lower() for t in (r.get("tags") or [])),
                artifacts={a["id"]: a.get("name") or a["id"] for a in (r.get("artifacts") or [])},
                people=frozenset(r.get("people") or []), text=node_text("Project", r),
            )
            for r in rows
        ]
        snap = cls(projects, time.monotonic(), generation, LexicalIndex([p.text for p in projects]))
        by_artifact: dict[str, list[int]] = defaultdict(list)
        by_person: dict[str, list[int]] = defaultdict(list)
        by_tag: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(projects):
            snap.row[p.id] = i
            for a in p.artifacts:
                by_artifact[a].append(i)
            for u in p.people:
                by_person[u].append(i)
            for t in p.tags:
                by_tag[t].append(i)
        snap.by_artifact, snap.by_person, snap.by_tag = dict(by_artifact), dict(by_person), dict(by_tag)
        return snap

    def __len__(self) -> int:
        return len(self.projects)

    def graph_neighbours(self, query: ProjectFacts) -> set[int]:
        """Rows sharing an artifact, a person or a tag with `query` (the graph's candidates)."""
        rows: set[int] = set()
        for a in query.artifacts:
            rows.update(self.by_artifact.get(a, ()))
        for u in query.people:
            rows.update(self.by_person.get(u, ()))
        for t in query.tags:
            rows.update(self.by_tag.get(t, ()))
        return rows

    def graph_score(self, query: ProjectFacts, other: ProjectFacts) -> float:
        """Graph evidence in [0, 1]: Adamic-Adar over shared artifacts (a rarely used artifact says
        more than a ubiquitous one), squashed; Jaccard of people and tags; same problem class.

        The parts weigh 0.5 / 0.2 / 0.2 / 0.1: reuse of the same artifacts is what "alike" means
        for Maestro, the rest is supporting evidence.
        """
        shared = query.artifacts.keys() & other.artifacts.keys()
        aa = sum(1.0 / math.log(2.0 + len(self.by_artifact.get(a, ()))) for a in shared)
        artifacts = aa / (1.0 + aa)
        return (0.5 * artifacts + 0.2 * _jaccard(query.people, other.people)
                + 0.2 * _jaccard(query.tags, other.tags) + 0.1 * float(query.problem_class == other.problem_class))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


class SnapshotCache:
    """One snapshot per graph, rebuilt when the graph's generation moved or `ttl_s` passed."""

    def __init__(self, ttl_s: float = 30.0, fusion_ttl_s: float = 600.0) -> None:
        self.ttl_s = ttl_s
        self.fusion_ttl_s = fusion_ttl_s
        self.generations: dict[str, int] = defaultdict(int)
        self._snapshots: dict[str, Snapshot] = {}
        # Learned weights outlive snapshots: learning costs ~100 store calls, and a few writes do
        # not change which kind of evidence predicts reuse. Relearned at most every fusion_ttl_s.
        self.fusions: dict[str, tuple[Any, float]] = {}

    def changed(self, graph: str) -> None:
        """Called after any write to `graph` made through this process."""
        self.generations[graph] += 1

    async def get(self, store: GraphStore) -> Snapshot:
        graph = store.graph
        snap = self._snapshots.get(graph)
        if snap is None or snap.generation != self.generations[graph] or time.monotonic() - snap.built_at > self.ttl_s:
            generation = self.generations[graph]
            rows = await store.read("similarity_projects")
            # TF-IDF over a large graph takes seconds: built in a thread, the event loop keeps serving
            snap = await asyncio.to_thread(Snapshot.build, rows, generation)
            kept = self.fusions.get(graph)
            if kept is not None and time.monotonic() - kept[1] < self.fusion_ttl_s:
                snap.fusion = kept[0]
            self._snapshots[graph] = snap
        return snap
