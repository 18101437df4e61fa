"""Ranking metrics over a ranked list of gains (binary or graded relevance)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence


def dcg(gains: Sequence[float], k: int) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg_at_k(ranked_gains: Sequence[float], ideal_gains: Sequence[float], k: int) -> float:
    """DCG of the ranking over DCG of the ideal ordering (0 when nothing is relevant)."""
    ideal = dcg(sorted(ideal_gains, reverse=True), k)
    return dcg(ranked_gains, k) / ideal if ideal > 0 else 0.0


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant items found in the top k (0 when there are none)."""
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def ndcg_binary(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    rel = set(relevant)
    return ndcg_at_k([1.0 if r in rel else 0.0 for r in ranked], [1.0] * len(rel), k)
