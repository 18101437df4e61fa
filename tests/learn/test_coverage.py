"""Pooled per-class coverage: rolling time-ordered folds, each project tested once, on held-out data."""

from __future__ import annotations

import copy

import pytest

from gnn.coverage import fold_hits, folds, pooled
from gnn.data.snapshot import Snapshot


@pytest.fixture(autouse=True)
def _one_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def test_each_later_project_is_tested_once_by_models_of_older_projects(snapshot: Snapshot) -> None:
    cuts = folds(snapshot, 0.5, 0.25)
    assert len(cuts) == 2
    started = {p.id: p.started_at or -1 for p in snapshot.projects}
    tested = [i for _, test in cuts for i in test]
    assert len(tested) == len(set(tested)) == len(snapshot.projects) - len(cuts[0][0])
    for train, test in cuts:
        assert max(started[i] for i in train) <= min(started[i] for i in test)


def test_pooled_coverage_is_measured_on_held_out_outcomes(snapshot: Snapshot) -> None:
    train, test = folds(snapshot, 0.6, 0.4)[0]
    row = fold_hits(snapshot, train, test)["durationDays"]
    finished = [i for i in test if (snapshot.project(i).duration_days or 0) > 0]
    for pairs in row["hits"].values():
        assert len(pairs) == len(finished)
    cqr = pooled(row["hits"]["cqr"])
    assert cqr["n"] == len(finished) and 0 < cqr["overall"] <= 1
    for c in cqr["byClass"].values():
        assert c["ci95"][0] <= c["coverage"] <= c["ci95"][1]

    later = copy.deepcopy(snapshot)  # the test projects' durations, a thousand times longer
    for i in test:
        p = later.project(i)
        p.duration_days = None if p.duration_days is None else p.duration_days * 1000
    changed = fold_hits(later, train, test)["durationDays"]
    assert changed["chosen"] == row["chosen"]  # the choice never saw the test projects
    assert pooled(changed["hits"]["cqr"])["overall"] == 0.0  # ... which are what coverage is measured on
