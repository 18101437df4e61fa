"""Artifact recommendation for a project from its content alone (cold start included).

Signals, each also a baseline ranking on its own:
- popularity: how many training projects used the artifact;
- class popularity: how many training projects of the same problem class used it;
- tag co-occurrence: sum over the project's tags t of P(used | t) among training projects;
- kNN votes: the 10 training projects nearest in text space (TF-IDF/SVD or the stored embedding)
  vote with their cosine similarity.
A learned re-ranker (gradient-boosted classifier, pointwise) combines the four signals, their
within-project ranks and context the single signals miss (`Catalogue.context`): the same signals
summed over every version of the artifact's name (usage splits across versions, the need does
not), the version's place in its name's version order and its share of the name's recent usage
(new projects mostly take the newest version, which old projects could not use), and the
smoothed success rate of its users in the project's class. It is fitted on the newest training
projects as queries against a catalogue of the older ones (`Reranker`), so it never learns from a
project's own usage or outcome and sees versions appear as the next project will. The served
ranker is the validation winner by ndcg@10.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gnn.models.metrics import bootstrap_ci, ndcg_at_k, recall_at_k

K_NEIGHBOURS = 10
SIGNALS = ("popularity", "class_popularity", "tag_cooccurrence", "knn_votes")
QUERY_SHARE = 0.3  # the re-ranker's training queries: the newest 30% of the catalogue's projects
MIN_QUERY_ROWS = 10
RECENCY_RATE = 3.0  # usage weight e^(RECENCY_RATE * (position - 1)): the oldest project counts e^-3


@dataclass
class Catalogue:
    """Training usage as matrices: the state every signal is computed from."""

    artifact_ids: list[str]
    usage: np.ndarray  # train projects x artifacts, 0/1
    classes: list[str]  # per train project
    tags: list[list[str]]
    text: np.ndarray  # train projects x d, rows L2-normalised
    success: list[bool | None] = field(default_factory=list)
    families: list[str] = field(default_factory=list)  # per artifact: its name (its versions share it)
    version_rank: list[int] = field(default_factory=list)  # per artifact: 0 = newest version of its name
    recency: list[float] = field(default_factory=list)  # per train project: start-order position in [0, 1]

    def __post_init__(self) -> None:
        n, m = self.usage.shape
        names = self.families or list(self.artifact_ids)
        index = {f: i for i, f in enumerate(sorted(set(names)))}
        self.family_of = np.asarray([index[f] for f in names], dtype=np.intp)
        self.n_families = len(index)
        self.vrank = np.asarray(self.version_rank or [0] * m, dtype=np.float64)
        # place among the versions of its name that some catalogue project used, newest = 0
        # (unused: -1): "newest" as far as this catalogue's time can tell
        used = self.usage.any(axis=0) if n else np.zeros(m, dtype=bool)
        self.used_rank = np.full(m, -1.0)
        for f in np.unique(self.family_of):
            members = np.flatnonzero((self.family_of == f) & used)
            for r, j in enumerate(members[np.argsort(self.vrank[members], kind="stable")]):
                self.used_rank[j] = r
        self.weight = np.exp(RECENCY_RATE * (np.asarray(self.recency or [1.0] * n, dtype=np.float64) - 1.0))
        self.recent_pop = self.weight @ self.usage if n else np.zeros(m)
        won = np.asarray([1.0 if s else 0.0 for s in self.success] or [0.0] * n)
        known = np.asarray([s is not None for s in self.success] or [False] * n)
        self.won, self.known = won, known
        self.class_won = {c: won[[k == c for k in self.classes]] @ self.usage[[k == c for k in self.classes]]
                          for c in set(self.classes)}
        self.class_known = {c: known[[k == c for k in self.classes]].astype(np.float64)
                            @ self.usage[[k == c for k in self.classes]] for c in set(self.classes)}
        self.pop = self.usage.sum(axis=0)
        self.class_pop = {c: self.usage[[k == c for k in self.classes]].sum(axis=0) for c in set(self.classes)}
        self.tag_counts: dict[str, np.ndarray] = {}
        self.tag_n: dict[str, int] = {}
        for i, tags in enumerate(self.tags):
            for t in set(tags):
                self.tag_counts[t] = self.tag_counts.get(t, 0) + self.usage[i]
                self.tag_n[t] = self.tag_n.get(t, 0) + 1

    def signals(self, problem_class: str, tags: list[str], text: np.ndarray, self_row: int | None = None) -> np.ndarray:
        """artifacts x 4 signal matrix; `self_row` removes a training project's own usage."""
        own = self.usage[self_row] if self_row is not None else 0.0
        pop = self.pop - own
        cls = self.class_pop.get(problem_class, np.zeros_like(self.pop)) - own
        tag = np.zeros(len(self.artifact_ids))
        for t in sorted(set(tags)):  # a fixed order: float sums must not depend on string hashing
            if t in self.tag_counts:
                n = self.tag_n[t] - (1 if self_row is not None else 0)
                if n > 0:
                    tag += (self.tag_counts[t] - own) / n
        knn = self.neighbour_votes(text, self_row)[0]
        return np.column_stack([pop, cls, tag, knn]).astype(np.float64)

    def subset(self, rows: np.ndarray) -> Catalogue:
        """The catalogue of some of its projects only (recency re-scaled to the subset)."""
        rec = np.asarray(self.recency or [1.0] * len(self.classes))[rows]
        span = rec.max() - rec.min() if len(rec) else 0.0
        return Catalogue(self.artifact_ids, self.usage[rows], [self.classes[i] for i in rows],
                         [self.tags[i] for i in rows], self.text[rows],
                         [self.success[i] for i in rows] if self.success else [], self.families, self.version_rank,
                         ((rec - rec.min()) / span).tolist() if span > 0 else [1.0] * len(rows))

    def _by_family(self, values: np.ndarray) -> np.ndarray:
        """Each artifact's value summed over every version of its name."""
        return np.bincount(self.family_of, weights=values, minlength=self.n_families)[self.family_of]

    def context(self, sig: np.ndarray, problem_class: str, self_row: int | None = None) -> np.ndarray:
        """artifacts x 16 columns for the re-ranker (see the module docstring); `self_row` removes a
        training project's own usage and outcome, as in `signals`."""
        own = self.usage[self_row] if self_row is not None else np.zeros(len(self.artifact_ids))
        recent = self.recent_pop - (self.weight[self_row] * own if self_row is not None else 0.0)
        fam = np.column_stack([self._by_family(sig[:, j]) for j in range(sig.shape[1])])
        fam_recent = self._by_family(recent)
        empty = np.zeros(len(self.artifact_ids))
        won = self.class_won.get(problem_class, empty) - (own * self.won[self_row] if self_row is not None else 0.0)
        known = self.class_known.get(problem_class, empty) - (
            own * float(self.known[self_row]) if self_row is not None else 0.0)
        rate = (won + 1.0) / (known + 2.0)  # Laplace-smoothed success rate of the class's users
        fam_rate = (self._by_family(won) + 1.0) / (self._by_family(known) + 2.0)
        newest = (self.used_rank == 0).astype(np.float64)
        return np.column_stack([
            fam, recent, recent / np.maximum(fam_recent, 1e-9), sig[:, 1] / np.maximum(fam[:, 1], 1e-9),
            self.vrank, self.used_rank, rate, fam_rate,
            fam * newest[:, None],  # the name's need, on the version a new project would take
        ])

    def reranker_inputs(self, sig: np.ndarray, problem_class: str,
                        self_row: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        return _shares(self, sig, self.context(sig, problem_class, self_row), problem_class, self_row)

    def neighbours(self, text: np.ndarray, self_row: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        sims = self.text @ text
        if self_row is not None:
            sims[self_row] = -np.inf
        top = np.argsort(-sims, kind="stable")[:K_NEIGHBOURS]
        return top, sims[top]

    def neighbour_votes(self, text: np.ndarray, self_row: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        top, sims = self.neighbours(text, self_row)
        weights = np.clip(sims, 0.0, None)
        return weights @ self.usage[top], top


def _features(sig: np.ndarray, context: np.ndarray | None = None) -> np.ndarray:
    ranks = np.argsort(np.argsort(-sig, axis=0, kind="stable"), axis=0, kind="stable")
    parts = [sig, ranks.astype(np.float64)]
    return np.hstack(parts if context is None else [*parts, context])


def _shares(cat: Catalogue, sig: np.ndarray, context: np.ndarray, problem_class: str,
            self_row: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Counts as shares of the catalogue's projects (of the class's, for class counts): the
    re-ranker is fitted against an older, smaller catalogue than the one it serves from."""
    own = 1 if self_row is not None else 0
    n = max(1, len(cat.classes) - own)
    n_class = max(1, sum(1 for c in cat.classes if c == problem_class) - own)
    sig, context = sig.copy(), context.copy()
    sig[:, 0] /= n
    sig[:, 1] /= n_class
    for cols in ((0, 12), (1, 13)):
        context[:, cols[0]] /= n if cols[0] == 0 else n_class
        context[:, cols[1]] /= n if cols[0] == 0 else n_class
    context[:, 4] /= max(1e-9, float(cat.weight.sum()))
    return sig, context


class Reranker:
    """Pointwise gradient boosting over signals and context, fitted the way it is used: the newest
    QUERY_SHARE of the catalogue's projects are the queries, scored against a catalogue of the
    older ones only. Leave-self-out rows over the whole catalogue would teach it that a version
    nobody could use yet is not wanted, while the next project mostly takes the newest version;
    with too few projects for that cut it falls back to leave-self-out rows."""

    def fit(self, cat: Catalogue) -> Reranker:
        from sklearn.ensemble import HistGradientBoostingClassifier

        xs, ys = [], []
        recency = np.asarray(cat.recency or [1.0] * len(cat.classes))
        queries = np.flatnonzero(recency >= 1.0 - QUERY_SHARE)
        older = np.flatnonzero(recency < 1.0 - QUERY_SHARE)
        if len(queries) >= MIN_QUERY_ROWS and len(older) >= MIN_QUERY_ROWS and cat.usage[older].any():
            base = cat.subset(older)
            for i in queries:
                sig = base.signals(cat.classes[i], cat.tags[i], cat.text[i])
                xs.append(_features(*base.reranker_inputs(sig, cat.classes[i])))
                ys.append(cat.usage[i])
        else:
            for i in range(len(cat.classes)):
                sig = cat.signals(cat.classes[i], cat.tags[i], cat.text[i], self_row=i)
                xs.append(_features(*cat.reranker_inputs(sig, cat.classes[i], self_row=i)))
                ys.append(cat.usage[i])
        self.model = HistGradientBoostingClassifier(max_iter=50, learning_rate=0.1, max_depth=4,
                                                    random_state=0).fit(np.vstack(xs), np.concatenate(ys))
        return self

    def score(self, inputs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """`inputs` = `Catalogue.reranker_inputs(...)`."""
        sig, context = inputs
        if len(self.model.classes_) < 2:
            return sig[:, 0]
        return self.model.predict_proba(_features(sig, context))[:, 1]


def rank(method: str, sig: np.ndarray, reranker: Reranker | None,
         inputs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Scores per artifact for one method; popularity breaks ties in every baseline."""
    tiebreak = 1e-6 * sig[:, 0] / (sig[:, 0].max() + 1.0)
    if method == "reranker":
        assert reranker is not None and inputs is not None
        return reranker.score(inputs)
    return sig[:, SIGNALS.index(method)] + tiebreak


METHODS = (*SIGNALS, "reranker")


@dataclass
class RecommendResult:
    chosen: str
    reason: str
    valid: dict[str, dict[str, Any]]
    test: dict[str, dict[str, Any]]


def evaluate_method(cat: Catalogue, reranker: Reranker, queries: list[tuple[str, list[str], np.ndarray, set[str]]],
                    method: str, k: int = 10) -> dict[str, Any]:
    recalls, ndcgs = [], []
    for problem_class, tags, text, relevant in queries:
        sig = cat.signals(problem_class, tags, text)
        scores = rank(method, sig, reranker, cat.reranker_inputs(sig, problem_class) if method == "reranker" else None)
        order = [cat.artifact_ids[j] for j in np.argsort(-scores, kind="stable")[:k]]
        recalls.append(recall_at_k(order, relevant, k))
        ndcgs.append(ndcg_at_k(order, relevant, k))
    return {
        "n": len(queries),
        "recall@10": float(np.mean(recalls)) if recalls else float("nan"),
        "recall@10Ci": list(bootstrap_ci(recalls)),
        "ndcg@10": float(np.mean(ndcgs)) if ndcgs else float("nan"),
        "ndcg@10Ci": list(bootstrap_ci(ndcgs)),
        "perProjectNdcg": ndcgs,
    }


def evaluate(cat: Catalogue, valid_q: list, test_q: list) -> tuple[RecommendResult, Reranker]:
    reranker = Reranker().fit(cat)
    valid = {m: evaluate_method(cat, reranker, valid_q, m) for m in METHODS}
    test = {m: evaluate_method(cat, reranker, test_q, m) for m in METHODS}
    chosen = max(valid, key=lambda m: valid[m]["ndcg@10"])
    reason = f"highest validation ndcg@10 ({valid[chosen]['ndcg@10']:.3f})"
    return RecommendResult(chosen, reason, valid, test), reranker
