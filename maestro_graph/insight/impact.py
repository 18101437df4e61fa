"""Artifact impact: the change in success probability when a project uses the artifact.

The estimator, per artifact (one version = one artifact node):

1. Within each problem class c with both users and non-users among projects with a recorded
   outcome (cancelled projects count as failures), the difference in success rates
   d_c = rate(users) - rate(non-users), with variance v_c = p1(1-p1)/n1 + p0(1-p0)/n0
   (rates shrunk by +1/+2, Laplace, so a class of all successes still has a variance).
   Comparing within class removes the confounding by class (some classes succeed more and use
   different artifacts).
2. The artifact's raw effect d = the inverse-variance weighted mean of the d_c, with standard
   error s = sqrt(1 / sum(1 / v_c)).
3. Empirical Bayes shrinkage toward 0: the true effects across artifacts are taken as
   Normal(0, tau^2), tau^2 = max(TAU_FLOOR^2, mean(d^2 - s^2)) (method of moments, floored: when
   most artifacts do nothing, as in any real library, the moment estimate collapses to 0 and
   would shrink every effect to nothing; a sparse truth fits a normal prior badly, and the floor,
   "an artifact moves success by a few points", keeps a large effect seen on many projects
   visible while still pulling rare ones to 0). The posterior mean
   d * tau^2 / (tau^2 + s^2) is the impact score; the interval is the posterior mean +- 1.96
   posterior sd, sqrt(tau^2 s^2 / (tau^2 + s^2)). An artifact used by few projects is pulled
   strongly toward 0 and gets a wide interval; n is the number of using projects with an outcome.

It is associational: projects choose their artifacts, and what drives the choice may drive
success too (within class, the comparison removes only what the class explains).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

Z = 1.96
TAU_FLOOR = 0.05
K = TypeVar("K")


@dataclass(frozen=True)
class Impact:
    artifact_id: str
    score: float
    low: float
    high: float
    n: int
    raw: float
    raw_se: float


def _class_effect(users: list[bool], others: list[bool]) -> tuple[float, float] | None:
    if not users or not others:
        return None
    n1, n0 = len(users), len(others)
    p1, p0 = (sum(users) + 1) / (n1 + 2), (sum(others) + 1) / (n0 + 2)
    return p1 - p0, p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0


def estimate(
    outcomes: Mapping[str, tuple[str, bool]], usage: Iterable[tuple[str, str]], artifact_ids: Iterable[str]
) -> dict[str, Impact]:
    """`outcomes`: project id -> (problem class, success); `usage`: (project id, artifact id)."""
    return _pooled(_cells(outcomes, usage, artifact_ids))


def estimate_by_class(
    outcomes: Mapping[str, tuple[str, bool]], usage: Iterable[tuple[str, str]], artifact_ids: Iterable[str]
) -> dict[str, dict[str, Impact]]:
    """Artifact id -> problem class -> its impact within that class alone (step 1's d_c), shrunk
    the same way with a prior fitted over every (artifact, class) cell.

    Why beside the pooled score: an artifact that helps one class only (a text encoder for nlp)
    has a pooled score near 0 when it is also used, to no effect or worse, elsewhere; the class a
    user plans for is what they ask about. n is the class's using projects with an outcome."""
    return _by_class(_cells(outcomes, usage, artifact_ids))


def estimate_all(
    outcomes: Mapping[str, tuple[str, bool]], usage: Iterable[tuple[str, str]], artifact_ids: Iterable[str]
) -> tuple[dict[str, Impact], dict[str, dict[str, Impact]]]:
    """`estimate` and `estimate_by_class` from one pass over the usage (what training stores)."""
    cells = _cells(outcomes, usage, artifact_ids)
    return _pooled(cells), _by_class(cells)


Cells = dict[str, tuple[dict[str, tuple[float, float, int]], int]]


def _pooled(cells: Cells) -> dict[str, Impact]:
    raw: dict[str, tuple[float, float, int]] = {}
    for aid, (by_class, n) in cells.items():
        weights = sum(1 / v for _, v, _ in by_class.values())
        if weights > 0:
            raw[aid] = (sum(d / v for d, v, _ in by_class.values()) / weights, math.sqrt(1 / weights), n)
    return {aid: Impact(aid, *values) for aid, values in _shrunk(raw).items()}


def _by_class(cells: Cells) -> dict[str, dict[str, Impact]]:
    raw = {(aid, cls): (d, math.sqrt(v), users)
           for aid, (by_class, _) in cells.items() for cls, (d, v, users) in by_class.items()}
    out: dict[str, dict[str, Impact]] = {}
    for (aid, cls), values in _shrunk(raw).items():
        out.setdefault(aid, {})[cls] = Impact(aid, *values)
    return out


def _cells(
    outcomes: Mapping[str, tuple[str, bool]], usage: Iterable[tuple[str, str]], artifact_ids: Iterable[str]
) -> Cells:
    """Artifact id -> ({class: (d_c, v_c, users in the class)}, users with an outcome) over the
    classes with both users and non-users."""
    users: dict[str, set[str]] = {}
    for pid, aid in usage:
        if pid in outcomes:
            users.setdefault(aid, set()).add(pid)
    by_class: dict[str, list[str]] = {}
    for pid, (cls, _) in outcomes.items():
        by_class.setdefault(cls, []).append(pid)
    out = {}
    for aid in artifact_ids:
        used = users.get(aid, set())
        cells = {}
        for cls, pids in by_class.items():
            mine = [outcomes[p][1] for p in pids if p in used]
            effect = _class_effect(mine, [outcomes[p][1] for p in pids if p not in used])
            if effect is not None:
                cells[cls] = (*effect, len(mine))
        out[aid] = (cells, len(used))
    return out


def _shrunk(raw: Mapping[K, tuple[float, float, int]]) -> dict[K, tuple[float, float, float, int, float, float]]:
    """Step 3 over raw (d, s, n) effects: (score, low, high, n, raw, raw_se) per key."""
    if not raw:
        return {}
    tau2 = max(TAU_FLOOR**2, sum(d * d - s * s for d, s, _ in raw.values()) / len(raw))
    out = {}
    for key, (d, s, n) in raw.items():
        mean = d * tau2 / (tau2 + s * s)
        sd = math.sqrt(tau2 * s * s / (tau2 + s * s))
        out[key] = (mean, mean - Z * sd, mean + Z * sd, n, d, s)
    return out
