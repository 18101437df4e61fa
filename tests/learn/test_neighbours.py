"""Graph-aware success inputs: messages from training outcomes only, out-of-fold, version-level."""

from __future__ import annotations

import copy

import numpy as np

from gnn.data.features import FeatureSpace
from gnn.data.snapshot import ProjectRecord, Snapshot
from gnn.data.split import Split, time_split
from gnn.models.neighbours import NAMES, NeighbourEncoder
from gnn.train import graph_inputs


def _labelled(snap: Snapshot, ids: list[str]) -> list[str]:
    return [i for i in ids if snap.project(i).success is not None]


def _inputs(snap: Snapshot, split: Split) -> list[np.ndarray]:
    space = FeatureSpace.fit(snap, split.train)
    g = graph_inputs(snap, space, split)
    return [g.train, g.valid, g.test]


def test_held_out_outcomes_and_edges_reach_no_other_row(snapshot: Snapshot) -> None:
    split = time_split(snapshot.projects)
    before = _inputs(snapshot, split)
    assert before[1].shape[1] == len(FeatureSpace.fit(snapshot, split.train).names()) + len(NAMES)

    flipped = copy.deepcopy(snapshot)  # every held-out outcome the other way round
    for p in flipped.projects:
        if p.id in split.held_out() and p.success is not None:
            p.success = not p.success
    for a, b in zip(before, _inputs(flipped, split)):
        assert np.array_equal(a, b)

    keep = _labelled(snapshot, split.valid)[0]  # every other held-out project loses its USED edges
    cut = copy.deepcopy(snapshot)
    cut.usages = [(p, a) for p, a in snapshot.usages if p not in split.held_out() or p == keep]
    after = _inputs(cut, split)
    assert np.array_equal(before[0], after[0])
    assert np.array_equal(before[1][0], after[1][0])  # `keep` is the first labelled validation row


def test_training_outcomes_do_reach_held_out_rows_so_the_test_above_can_fail(snapshot: Snapshot) -> None:
    split = time_split(snapshot.projects)
    before = _inputs(snapshot, split)
    flipped = copy.deepcopy(snapshot)
    for p in flipped.projects:
        if p.id in set(split.train) and p.success is not None:
            p.success = not p.success
    after = _inputs(flipped, split)
    assert not np.array_equal(before[1], after[1])


def test_a_training_row_never_sees_its_own_outcome(snapshot: Snapshot) -> None:
    """Out-of-fold: flipping one training project's label leaves its own inputs unchanged (and
    moves other training rows, so the inputs do carry outcomes)."""
    split = time_split(snapshot.projects)
    train_ids = _labelled(snapshot, split.train)
    before = _inputs(snapshot, split)[0]
    for index in (0, len(train_ids) // 2):
        flipped = copy.deepcopy(snapshot)
        p = flipped.project(train_ids[index])
        p.success = not p.success
        after = _inputs(flipped, split)[0]
        assert np.array_equal(before[index], after[index])
        assert not np.array_equal(before, after)


def _project(pid: str, cls: str, team: int, success: bool) -> ProjectRecord:
    return ProjectRecord(id=pid, name=pid, description="", tags=[], problem_class=cls, complexity=5.0,
                         status="completed", started_at=None, team_size=team, metadata={}, success=success)


def test_versions_and_team_sizes_of_the_class_carry_their_own_outcomes() -> None:
    """A planted graph: in class nlp, version v2 of an artifact always fails and v1 always
    succeeds; teams of 7 succeed, teams of 2 fail. The inputs of a new nlp project say so, per
    version (what a multi-hot of artifact names cannot), and a regression project, whose class
    never used either version, gets no artifact signal from class nlp."""
    projects, used = [], {}
    for i in range(12):
        good = i % 2 == 0
        pid = f"p{i}"
        projects.append(_project(pid, "nlp", 7 if good else 2, good))
        used[pid] = ["enc@1" if good else "enc@2"]
    enc = NeighbourEncoder.fit(projects, used)
    new = [_project("v1", "nlp", 7, True), _project("v2", "nlp", 2, True), _project("r", "regression", 7, True)]
    x = enc.transform(new, {"v1": ["enc@1"], "v2": ["enc@2"], "r": ["enc@1"]})
    col = {n: i for i, n in enumerate(NAMES)}
    assert x[0, col["graph:class_artifact_effect_sum"]] > 0 > x[1, col["graph:class_artifact_effect_sum"]]
    assert x[0, col["graph:class_team_rate"]] > 0 > x[1, col["graph:class_team_rate"]]
    assert x[2, col["graph:class_artifact_effect_sum"]] == 0.0
    assert x[2, col["graph:artifact_effect_sum"]] > 0  # across classes, v1 did succeed
