"""Rolling-origin evaluation of the duration and cost intervals, pooled per problem class.

Why: the single time-ordered test split holds a handful of finished projects per class, too
few to tell whether a class's P10-P90 covers 75-85%. `folds` cuts the projects (in start-date
order) several times; at each cut the projects before it are the fold's training projects and
the next `step` share its test projects, so each later project is tested exactly once, by
models fitted only on older projects. `fold_hits` runs the pipeline's protocol inside a fold
(feature space and methods fitted on the older 75% of the training projects, the served method
chosen on the newer 25% by `intervals.choose`) and returns, per method, whether each test
project's outcome fell inside its interval; `pooled` turns hits pooled over folds (and demo
seeds, `bench/learning_coverage.py`) into per-class coverage with 95% Wilson intervals.
Censoring as in training: projects still running are left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gnn.data.snapshot import Snapshot

TARGETS = {"durationDays": "duration_days", "costUsd": "cost_usd"}
BAND = (0.75, 0.85)


def folds(snapshot: Snapshot, start: float, step: float) -> list[tuple[list[str], list[str]]]:
    """(training ids, test ids) per cut, projects in start-date order."""
    ordered = sorted(snapshot.projects, key=lambda p: (p.started_at if p.started_at is not None else -1, p.id))
    ids = [p.id for p in ordered]
    out, cut = [], start
    while cut < 1 - 1e-9:
        lo, hi = int(round(len(ids) * cut)), int(round(len(ids) * min(1.0, cut + step)))
        out.append((ids[:lo], ids[lo:hi]))
        cut += step
    return out


def fold_hits(snapshot: Snapshot, train_ids: list[str], test_ids: list[str]) -> dict[str, Any]:
    """Per target: per method the (class, inside) pairs of the test projects, and the chosen method."""
    from gnn.data.features import FeatureSpace
    from gnn.models import intervals

    n_fit = int(round(len(train_ids) * 0.75))
    fit_ids, valid_ids = train_ids[:n_fit], train_ids[n_fit:]
    space = FeatureSpace.fit(snapshot, fit_ids)
    out: dict[str, Any] = {}
    for target, attr in TARGETS.items():
        parts = []
        for ids in (fit_ids, valid_ids, test_ids):
            ps = [snapshot.project(i) for i in ids if (getattr(snapshot.project(i), attr) or 0) > 0]
            parts.append((space.transform(snapshot, ps) if ps else np.zeros((0, len(space.names()))),
                          np.log([getattr(p, attr) for p in ps]), [p.problem_class for p in ps]))
        if len(parts[0][1]) < intervals.MIN_OUTCOMES or not len(parts[1][1]) or not len(parts[2][1]):
            continue
        valid, hits = {}, {}
        for name, method in intervals.METHODS.items():
            model = method().fit(*parts[0])
            valid[name] = intervals.score(parts[1][1], model.predict(parts[1][0], parts[1][2]), parts[1][2])
            q = model.predict(parts[2][0], parts[2][2])
            inside = (parts[2][1] >= q[:, 0]) & (parts[2][1] <= q[:, 2])
            hits[name] = list(zip(parts[2][2], inside.tolist()))
        out[target] = {"hits": hits, "chosen": intervals.choose(valid)[0]}
    return out


def pooled(pairs: list[tuple[str, bool]]) -> dict[str, Any]:
    from gnn.models.metrics import wilson

    by_class: dict[str, list[bool]] = {}
    for cls, inside in pairs:
        by_class.setdefault(cls, []).append(bool(inside))
    rows = {}
    for cls, hits in sorted(by_class.items()):
        n, cov = len(hits), float(np.mean(hits))
        low, high = wilson(cov, n, z=1.96)
        rows[cls] = {"n": n, "coverage": round(cov, 3), "ci95": [round(low, 3), round(high, 3)],
                     "ciOverlapsBand": low <= BAND[1] and high >= BAND[0], "inBand": BAND[0] <= cov <= BAND[1]}
    all_hits = [h for hits in by_class.values() for h in hits]
    return {"overall": round(float(np.mean(all_hits)), 3) if all_hits else None, "n": len(all_hits),
            "classesInBand": sum(r["inBand"] for r in rows.values()),
            "classesCiOverlapBand": sum(r["ciOverlapsBand"] for r in rows.values()),
            "classes": len(rows), "minClassN": min((r["n"] for r in rows.values()), default=0), "byClass": rows}
