r"""Fusing semantic, lexical and graph scores: weights learned from the graph, or RRF.

Learned weights: hold out projects that used artifacts, hide their artifacts and people (the
cold start a new project is in), score every candidate on the three components, and take the
weights :math:`w` on the simplex (step 0.1) that maximise nDCG@10 of

.. math:: s(c) = w_{sem}\,\mathrm{sem}(q, c) + w_{lex}\,\mathrm{lex}(q, c) + w_{graph}\,\mathrm{graph}(q, c)

where a candidate's gain is the Jaccard overlap of its artifacts with the held-out ones: "alike"
means "reused the same things". Two-fold cross-validation says whether the learned weights beat
reciprocal rank fusion (:math:`\sum_i 1 / (60 + \mathrm{rank}_i(c))`, no parameters); when they
do not, or fewer than `MIN_QUERIES` projects can teach, RRF is used.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from maestro_graph.evaluation.metrics import dcg, ndcg_at_k

RRF_K = 60
MIN_QUERIES = 10
GRID = [w for w in itertools.product([i / 10 for i in range(11)], repeat=3) if abs(sum(w) - 1.0) < 1e-9]


@dataclass(frozen=True)
class Weights:
    semantic: float
    lexical: float
    graph: float
    method: str  # "learned" or "rrf"
    cv_ndcg: float | None = None  # cross-validated nDCG@10 of the learned weights
    rrf_ndcg: float | None = None  # the same for RRF, on the same held-out projects


RRF = Weights(1 / 3, 1 / 3, 1 / 3, "rrf")


@dataclass
class Judged:
    """One held-out query: the three component scores and the gain of each candidate."""

    components: list[tuple[float, float, float]]
    gains: list[float]


def rrf_scores(components: Sequence[tuple[float, float, float]]) -> list[float]:
    scores = [0.0] * len(components)
    for part in range(3):
        order = sorted(range(len(components)), key=lambda i: -components[i][part])
        for rank, i in enumerate(order):
            if components[i][part] > 0:
                scores[i] += 1.0 / (RRF_K + rank + 1)
    return scores


def fused_scores(weights: Weights, components: Sequence[tuple[float, float, float]]) -> list[float]:
    if weights.method == "rrf":
        return rrf_scores(components)
    w = (weights.semantic, weights.lexical, weights.graph)
    return [sum(wi * ci for wi, ci in zip(w, c)) for c in components]


def _ndcg(weights: Weights, judged: Sequence[Judged]) -> float:
    total = 0.0
    for q in judged:
        scores = fused_scores(weights, q.components)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        total += ndcg_at_k([q.gains[i] for i in order], sorted(q.gains, reverse=True), 10)
    return total / max(len(judged), 1)


def _grid_ndcg(judged: Sequence[Judged]) -> Any:
    """Mean nDCG@10 of every weighting of GRID at once: one matrix product and one sort per query
    (the same ranking as `fused_scores`, ties kept in candidate order; 66 Python passes per query
    made learning take seconds)."""
    import numpy as np

    grid = np.asarray(GRID)
    discount = 1.0 / np.log2(np.arange(10) + 2.0)
    total = np.zeros(len(GRID))
    for q in judged:
        ideal = dcg(sorted(q.gains, reverse=True), 10)
        if ideal <= 0 or not q.components:
            continue
        gains = np.asarray(q.gains, dtype=np.float64)
        order = np.argsort(-(np.asarray(q.components, dtype=np.float64) @ grid.T), axis=0, kind="stable")[:10]
        total += (gains[order] * discount[: len(order), None]).sum(axis=0) / ideal
    return total / max(len(judged), 1)


def _best(judged: Sequence[Judged]) -> Weights:
    import numpy as np

    return Weights(*GRID[int(np.argmax(_grid_ndcg(judged)))], "learned")


def learn(judged: Sequence[Judged]) -> Weights:
    """Learned weights when they beat RRF out of sample, else RRF (see the module docstring)."""
    judged = [q for q in judged if any(g > 0 for g in q.gains)]
    if len(judged) < MIN_QUERIES:
        return RRF
    folds = [judged[0::2], judged[1::2]]
    cv = sum(_ndcg(_best(folds[i]), folds[1 - i]) * len(folds[1 - i]) for i in range(2)) / len(judged)
    rrf = _ndcg(RRF, judged)
    if cv <= rrf:
        return Weights(RRF.semantic, RRF.lexical, RRF.graph, "rrf", cv, rrf)
    best = _best(judged)
    return Weights(best.semantic, best.lexical, best.graph, "learned", cv, rrf)
