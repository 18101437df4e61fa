"""Model inputs carry no outcome: changing every outcome-derived value moves no feature."""

from __future__ import annotations

import copy

import numpy as np

from gnn.data.features import FeatureSpace
from gnn.data.snapshot import Snapshot
from gnn.data.split import time_split


def _scramble_outcomes(snap: Snapshot) -> Snapshot:
    """The same organisation with every outcome (and outcome-derived value) changed."""
    other = copy.deepcopy(snap)
    for p in other.projects:
        p.success = None if p.success is None else not p.success
        p.duration_days = None if p.duration_days is None else p.duration_days * 3 + 11
        p.cost_usd = None if p.cost_usd is None else p.cost_usd / 7 + 5
        p.completed_at = None if p.completed_at is None else p.completed_at + 86_400_000
        p.status = {"completed": "cancelled", "cancelled": "completed"}.get(p.status or "", p.status)
    other.usage_scores = {k: 1.0 - v for k, v in other.usage_scores.items()}
    return other


def test_no_outcome_derived_value_reaches_the_features(snapshot: Snapshot) -> None:
    split = time_split(snapshot.projects)
    changed = _scramble_outcomes(snapshot)
    before = FeatureSpace.fit(snapshot, split.train)
    after = FeatureSpace.fit(changed, split.train)
    assert before.names() == after.names()
    x0 = before.transform(snapshot, snapshot.projects)
    x1 = after.transform(changed, changed.projects)
    assert np.array_equal(x0, x1)
    assert not any(n.startswith(("success", "duration", "cost", "status")) for n in before.names())


def test_features_move_with_content_so_the_test_above_can_fail(snapshot: Snapshot) -> None:
    space = FeatureSpace.fit(snapshot, [p.id for p in snapshot.projects])
    changed = copy.deepcopy(snapshot)
    changed.projects[0].complexity = (changed.projects[0].complexity or 5) + 3
    changed.projects[0].team_size += 2
    x0 = space.transform(snapshot, snapshot.projects[:1])
    x1 = space.transform(changed, changed.projects[:1])
    assert not np.array_equal(x0, x1)


def test_split_holds_out_whole_projects_in_time_order(snapshot: Snapshot) -> None:
    split = time_split(snapshot.projects)
    assert not (set(split.train) & split.held_out())
    assert len(split.train) + len(split.valid) + len(split.test) == len(snapshot.projects)
    started = {p.id: p.started_at for p in snapshot.projects}
    assert max(started[i] for i in split.train) <= min(started[i] for i in split.valid)
    assert max(started[i] for i in split.valid) <= min(started[i] for i in split.test)


def test_text_features_are_fitted_on_training_projects_only(snapshot: Snapshot) -> None:
    """A word that only held-out projects use cannot shape the text space."""
    split = time_split(snapshot.projects)
    changed = copy.deepcopy(snapshot)
    for p in changed.projects:
        if p.id in split.held_out():
            p.description += " zyzzyvaword"
    space = FeatureSpace.fit(changed, split.train)
    assert "zyzzyvaword" not in space.text._tfidf.vocabulary_


def test_stored_embeddings_replace_tfidf_when_every_project_has_one(snapshot: Snapshot) -> None:
    snap = copy.deepcopy(snapshot)
    snap.embeddings = {p.id: [float(i % 3), 1.0, 0.5] for i, p in enumerate(snap.projects)}
    space = FeatureSpace.fit(snap, [p.id for p in snap.projects])
    assert space.text.source == "embedding"
    x = space.transform(snap, snap.projects[:2])
    assert x[0, -3:].tolist() == [0.0, 1.0, 0.5]


def test_a_project_without_process_metrics_reads_as_typical_and_flagged_not_as_zero(snapshot: Snapshot) -> None:
    """A planned project has no metrics yet. A 0 in its churn column would read as "no churn at
    all", a value no training project had, and shift every plan's prediction; it gets the
    training median, and the missing flag says it was not measured."""
    split = time_split(snapshot.projects)
    space = FeatureSpace.fit(snapshot, split.train)
    assert space.metric_types
    planned = next(p for p in snapshot.projects if not snapshot.metrics.get(p.id))
    row = space.transform(snapshot, [planned])[0]
    names = space.names()
    for t in space.metric_types:
        values = [snapshot.metrics[i][t] for i in split.train if t in snapshot.metrics.get(i, {})]
        assert row[names.index(f"metric:{t}")] == np.median(values) != 0.0
        assert row[names.index(f"metric:{t}:missing")] == 1.0
