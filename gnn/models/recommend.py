"""Artifact recommendation for a project from its content alone (cold start included).

Signals, each also a baseline ranking on its own:
- popularity: how many training projects used the artifact;
- class popularity: how many training projects of the same problem class used it;
- tag co-occurrence: sum over the project's tags t of P(used | t) among training projects;
- kNN votes: the 10 training projects nearest in text space (TF-IDF/SVD or the stored embedding)
  vote with their cosine similarity.
A learned re-ranker (gradient-boosted classifier, pointwise, on the four signals and their
within-project ranks) combines them; training projects get leave-self-out signals so the
re-ranker never learns from a project's own usage. The served ranker is the validation winner
by ndcg@10.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gnn.models.metrics import bootstrap_ci, ndcg_at_k, recall_at_k

K_NEIGHBOURS = 10
SIGNALS = ("popularity", "class_popularity", "tag_cooccurrence", "knn_votes")


@dataclass
class Catalogue:
    """Training usage as matrices: the state every signal is computed from."""

    artifact_ids: list[str]
    usage: np.ndarray  # train projects x artifacts, 0/1
    classes: list[str]  # per train project
    tags: list[list[str]]
    text: np.ndarray  # train projects x d, rows L2-normalised
    success: list[bool | None] = field(default_factory=list)

    def __post_init__(self) -> None:
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
        for t in set(tags):
            if t in self.tag_counts:
                n = self.tag_n[t] - (1 if self_row is not None else 0)
                if n > 0:
                    tag += (self.tag_counts[t] - own) / n
        knn = self.neighbour_votes(text, self_row)[0]
        return np.column_stack([pop, cls, tag, knn]).astype(np.float64)

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


def _features(sig: np.ndarray) -> np.ndarray:
    ranks = np.argsort(np.argsort(-sig, axis=0, kind="stable"), axis=0, kind="stable")
    return np.hstack([sig, ranks.astype(np.float64)])


class Reranker:
    def fit(self, cat: Catalogue) -> Reranker:
        from sklearn.ensemble import HistGradientBoostingClassifier

        xs, ys = [], []
        for i in range(len(cat.classes)):
            sig = cat.signals(cat.classes[i], cat.tags[i], cat.text[i], self_row=i)
            xs.append(_features(sig))
            ys.append(cat.usage[i])
        self.model = HistGradientBoostingClassifier(max_iter=50, learning_rate=0.1, max_depth=4,
                                                    random_state=0).fit(np.vstack(xs), np.concatenate(ys))
        return self

    def score(self, sig: np.ndarray) -> np.ndarray:
        if len(self.model.classes_) < 2:
            return sig[:, 0]
        return self.model.predict_proba(_features(sig))[:, 1]


def rank(method: str, sig: np.ndarray, reranker: Reranker | None) -> np.ndarray:
    """Scores per artifact for one method; popularity breaks ties in every baseline."""
    tiebreak = 1e-6 * sig[:, 0] / (sig[:, 0].max() + 1.0)
    if method == "reranker":
        assert reranker is not None
        return reranker.score(sig)
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
        scores = rank(method, cat.signals(problem_class, tags, text), reranker)
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
