"""Paired bootstrap: confidence intervals for a mean and for the difference of two systems.

"Paired" because both systems are scored on the same queries: resampling queries (not scores
independently) keeps the correlation between them, which gives much narrower, honest intervals
for the difference than two separate intervals would.
"""

from __future__ import annotations

import random
from collections.abc import Sequence


def _quantiles(values: list[float], alpha: float) -> tuple[float, float]:
    values.sort()
    lo = values[int(alpha / 2 * (len(values) - 1))]
    hi = values[int((1 - alpha / 2) * (len(values) - 1))]
    return lo, hi


def mean_ci(scores: Sequence[float], *, resamples: int = 1000, alpha: float = 0.05, seed: int = 0) -> dict[str, float]:
    rng = random.Random(seed)
    n = len(scores)
    means = [sum(scores[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples)]
    lo, hi = _quantiles(means, alpha)
    return {"mean": sum(scores) / n, "low": lo, "high": hi}


def paired_difference(a: Sequence[float], b: Sequence[float], *, resamples: int = 1000, alpha: float = 0.05,
                      seed: int = 0) -> dict[str, float]:
    """Mean of a - b per query, its CI, and the share of resamples where a does not beat b."""
    if len(a) != len(b):
        raise ValueError("paired scores need the same queries")
    diffs = [x - y for x, y in zip(a, b)]
    rng = random.Random(seed)
    n = len(diffs)
    means = [sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples)]
    p = sum(1 for m in means if m <= 0) / resamples
    lo, hi = _quantiles(means, alpha)
    return {"mean": sum(diffs) / n, "low": lo, "high": hi, "p_not_better": p}
