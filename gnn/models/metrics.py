"""Scores for the meta-model's tasks, with bootstrap confidence intervals over projects."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np


def bootstrap_ci(values: Sequence[float], *, resamples: int = 500, level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile interval of the mean of per-project values (projects resampled with replacement)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return (math.nan, math.nan)
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, arr.size, size=(resamples, arr.size))].mean(axis=1)
    tail = (1 - level) / 2
    return (float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail)))


def bootstrap_stat_ci(
    y: np.ndarray, p: np.ndarray, stat: Callable[[np.ndarray, np.ndarray], float], *, resamples: int = 300, seed: int = 0
) -> tuple[float, float]:
    """Percentile interval of a whole-sample statistic (AUC) over resampled projects."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(resamples):
        idx = rng.integers(0, len(y), size=len(y))
        if len(set(y[idx].tolist())) < 2:
            continue
        out.append(stat(y[idx], p[idx]))
    if not out:
        return (math.nan, math.nan)
    return (float(np.quantile(out, 0.025)), float(np.quantile(out, 0.975)))


def recall_at_k(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, a in enumerate(ranked[:k]) if a in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """ECE over `bins` equal-mass bins (sorted predictions cut into equal counts): equal-width bins
    leave most bins empty when predictions cluster, which hides miscalibration."""
    order = np.argsort(p, kind="stable")
    total = 0.0
    for chunk in np.array_split(order, min(bins, len(order))):
        if chunk.size:
            total += chunk.size * abs(float(y[chunk].mean()) - float(p[chunk].mean()))
    return total / max(1, len(order))


def reliability_bins(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    order = np.argsort(p, kind="stable")
    return [
        {"predicted": float(p[c].mean()), "observed": float(y[c].mean()), "n": int(c.size)}
        for c in np.array_split(order, min(bins, len(order))) if c.size
    ]


def pinball(y: np.ndarray, q: np.ndarray, tau: float) -> float:
    diff = y - q
    return float(np.mean(np.maximum(tau * diff, (tau - 1) * diff)))


def wilson(p: float, n: int, z: float = 1.2816) -> tuple[float, float]:
    """Wilson score interval (80% by default) for a rate `p` observed over `n` projects."""
    if n <= 0:
        return (0.0, 1.0)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))
