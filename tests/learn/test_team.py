"""The team-size response model: class-specific curves, partially pooled, from training outcomes only."""

from __future__ import annotations

import copy
import math
import random

import numpy as np

from gnn.data.features import FeatureSpace
from gnn.data.snapshot import ProjectRecord, Snapshot
from gnn.data.split import time_split
from gnn.models.team import TeamResponse
from gnn.train import fit_team

WINDOWS = {"clustering": (2, 4), "nlp": (7, 9)}  # planted here, in the test: the model never reads them


def _planted(per_class: int = 160, seed: int = 3) -> Snapshot:
    """Teams of 1-12 people; success falls 0.8 logit per person outside the class's window and
    0.4 per point of complexity. In nlp, bigger teams get harder projects (a confounder the
    complexity control takes out of the curve)."""
    rng = random.Random(seed)
    projects = []
    for cls, (low, high) in WINDOWS.items():
        for i in range(per_class):
            size = rng.randint(1, 12)
            complexity = min(10.0, max(1.0, rng.gauss(3.0 + (0.5 * size if cls == "nlp" else 3.0), 1.5)))
            logit = 1.0 - 0.8 * max(low - size, 0, size - high) - 0.4 * (complexity - 5.5)
            success = rng.random() < 1 / (1 + math.exp(-logit))
            projects.append(ProjectRecord(
                id=f"{cls}-{i:03d}", name=f"{cls} project {i}", description=f"a {cls} project", tags=[cls],
                problem_class=cls, complexity=round(complexity, 1), status="completed", started_at=i,
                team_size=size, metadata={}, success=success))
    return Snapshot(projects, [], [], {}, [], {})


def _fit(snapshot: Snapshot) -> TeamResponse:
    ids = [p.id for p in snapshot.projects]
    model = TeamResponse.fit(snapshot, snapshot.projects, FeatureSpace.fit(snapshot, ids))
    assert model is not None
    return model


def test_each_class_gets_its_own_peak_inside_the_planted_window() -> None:
    snapshot = _planted()
    model = _fit(snapshot)
    sizes = list(range(1, 13))
    for cls, (low, high) in WINDOWS.items():
        project = ProjectRecord(id="(new)", name="", description="", tags=[cls], problem_class=cls, complexity=5.5,
                                status="planned", started_at=None, team_size=0, metadata={})
        curve = model.curve(Snapshot([project], [], [], {}, [], {}), project, sizes)
        assert all(low_ <= p <= high_ for p, low_, high_ in curve)
        argmax = sizes[int(np.argmax([p for p, _, _ in curve]))]
        assert low <= argmax <= high, (cls, argmax, [round(p, 2) for p, _, _ in curve])
        assert low <= model.recommend(cls, sizes) <= high
        assert curve[argmax - 1][0] > max(curve[0][0], curve[-1][0]) + 0.05  # a peak, not a slope


def test_the_recommendation_stays_among_the_sizes_it_is_given() -> None:
    model = _fit(_planted())
    # Only the sizes it is given (the non-extrapolated ones), on the side nearer the window.
    assert model.recommend("nlp", [1, 2, 3, 4]) in (3, 4)
    assert model.recommend("clustering", [5, 6, 7, 8]) in (5, 6)
    assert model.recommend("nlp", [11]) == 11


def test_team_size_proxies_are_not_controls() -> None:
    """A metric that counts the team (here `contributors`) would absorb the association the curve
    is about: it is left out, the complexity control stays."""
    snapshot = _planted()
    snapshot.metrics = {p.id: {"contributors": float(p.team_size), "churn_rate": (hash(p.id) % 100) / 100}
                        for p in snapshot.projects}
    model = _fit(snapshot)
    names = model.summary()["controls"]
    assert "metric:contributors" not in names
    assert "complexity" in names and "metric:churn_rate" in names

    # A planned project has no early metrics yet: it gets the curve of an average churn, not of 0.
    average = float(np.mean([m["churn_rate"] for m in snapshot.metrics.values()]))
    planned = ProjectRecord(id="(new)", name="", description="", tags=[], problem_class="nlp", complexity=5.5,
                            status="planned", started_at=None, team_size=0, metadata={})
    curves = [model.curve(Snapshot([planned], [], [], {}, [], metrics), planned, [3, 8])
              for metrics in ({}, {"(new)": {"churn_rate": average}}, {"(new)": {"churn_rate": 0.0}})]
    assert np.allclose(curves[0], curves[1]) and not np.allclose(curves[0], curves[2])


def test_too_few_outcomes_give_no_team_model() -> None:
    snapshot = _planted(per_class=8)
    ids = [p.id for p in snapshot.projects]
    assert TeamResponse.fit(snapshot, snapshot.projects, FeatureSpace.fit(snapshot, ids)) is None


def _weights(snapshot: Snapshot) -> np.ndarray:
    split = time_split(snapshot.projects)
    report: dict = {"tasks": {}}
    model = fit_team(snapshot, FeatureSpace.fit(snapshot, split.train), split, report)
    assert model is not None and report["tasks"]["teamSize"]["chosen"] == "team_response"
    assert report["tasks"]["teamSize"]["test"]["team_response"]["n"] > 0  # scored on held-out projects
    return model.weights


def test_the_team_model_never_sees_held_out_outcomes(snapshot: Snapshot) -> None:
    split = time_split(snapshot.projects)
    before = _weights(snapshot)
    flipped = copy.deepcopy(snapshot)
    for p in flipped.projects:
        if p.id in split.held_out() and p.success is not None:
            p.success = not p.success
    assert np.array_equal(before, _weights(flipped))

    flipped = copy.deepcopy(snapshot)  # the same change on training projects does move it
    for p in flipped.projects:
        if p.id in set(split.train) and p.success is not None:
            p.success = not p.success
    assert not np.allclose(before, _weights(flipped))
