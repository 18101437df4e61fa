"""Graph-aware success inputs: training outcomes passed one hop over the graph's edges.

Why: the gradient-boosting baseline sees a project's own content and a multi-hot of the
artifact NAMES it uses. What it cannot see is structure the organisation records around the
project: which exact artifact VERSIONS (USED edges to version nodes) did well or badly for
earlier projects of the same problem class, and how earlier projects of the class fared at
this team size. These are one round of message passing of training labels:

    artifact a, class c:  e(a, c) = logit((s_ac + m r_c) / (n_ac + m)) - logit(r_c)

with s_ac / n_ac successes / projects of class c that used a, r_c the class's (shrunk) success
rate and m = PRIOR_WEIGHT pseudo-projects; the same across classes (`e(a)`, shrunk to the base
rate); and a team-size rate of the class (kernel over sizes t-1, t, t+1 with weights 1/2, 1,
1/2, shrunk to r_c). A project's inputs are the sum, max and min of e(a, c) over the
artifacts it uses, the sum and min of e(a), logit(r_c) and the team rate's logit minus
logit(r_c): seven numbers.

No leakage: the statistics come only from projects whose label the model may learn from.
A held-out project contributes neither its label nor its edges; its own USED edges are inputs
(known when the prediction is asked), exactly like the baseline's multi-hot. Training rows get
OUT-OF-FOLD inputs (`out_of_fold`: each row's statistics from the other folds), otherwise a
project's own label would sit inside its inputs and the model would learn to trust them.
tests/learn/test_neighbours.py changes held-out outcomes and checks nothing moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gnn.data.snapshot import ProjectRecord

PRIOR_WEIGHT = 5.0
TEAM_NEIGHBOUR_WEIGHT = 0.5
FOLDS = 5
NAMES = ("graph:class_artifact_effect_sum", "graph:class_artifact_effect_max", "graph:class_artifact_effect_min",
         "graph:artifact_effect_sum", "graph:artifact_effect_min", "graph:class_rate", "graph:class_team_rate")


def _logit(p: float) -> float:
    p = min(1 - 1e-3, max(1e-3, p))
    return float(np.log(p / (1 - p)))


@dataclass
class NeighbourEncoder:
    """Success counts per (class, artifact), artifact, class and (class, team size)."""

    by_class_artifact: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    by_artifact: dict[str, list[float]] = field(default_factory=dict)
    by_class: dict[str, list[float]] = field(default_factory=dict)
    by_class_team: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    total: list[float] = field(default_factory=lambda: [0.0, 0.0])

    @classmethod
    def fit(cls, projects: Sequence[ProjectRecord], used: dict[str, list[str]]) -> NeighbourEncoder:
        """`projects` must all carry a success label: they are the ones messages come from."""
        enc = cls()
        for p in projects:
            y = float(bool(p.success))
            for table, key in ((enc.by_class, p.problem_class), (enc.by_class_team, (p.problem_class, p.team_size))):
                _add(table, key, y)
            enc.total[0] += y
            enc.total[1] += 1
            for a in set(used.get(p.id, [])):
                _add(enc.by_class_artifact, (p.problem_class, a), y)
                _add(enc.by_artifact, a, y)
        return enc

    def transform(self, projects: Sequence[ProjectRecord], used: dict[str, list[str]]) -> np.ndarray:
        m = PRIOR_WEIGHT
        base = (self.total[0] + 1) / (self.total[1] + 2)
        rows = []
        for p in projects:
            s, n = self.by_class.get(p.problem_class, (0.0, 0.0))
            rate = (s + m * base) / (n + m)
            by_class, overall = [], []
            for a in sorted(set(used.get(p.id, []))):  # fixed order: sums independent of string hashing
                s, n = self.by_class_artifact.get((p.problem_class, a), (0.0, 0.0))
                by_class.append(_logit((s + m * rate) / (n + m)) - _logit(rate) if n else 0.0)
                s, n = self.by_artifact.get(a, (0.0, 0.0))
                overall.append(_logit((s + m * base) / (n + m)) - _logit(base) if n else 0.0)
            s_team = n_team = 0.0
            for d in (-1, 0, 1):
                s, n = self.by_class_team.get((p.problem_class, p.team_size + d), (0.0, 0.0))
                w = 1.0 if d == 0 else TEAM_NEIGHBOUR_WEIGHT
                s_team += w * s
                n_team += w * n
            team_rate = (s_team + m * rate) / (n_team + m)
            rows.append([sum(by_class), max(by_class, default=0.0), min(by_class, default=0.0), sum(overall),
                         min(overall, default=0.0), _logit(rate), _logit(team_rate) - _logit(rate)])
        return np.asarray(rows, dtype=np.float64).reshape(len(projects), len(NAMES))


def out_of_fold(projects: Sequence[ProjectRecord], used: dict[str, list[str]], folds: int = FOLDS,
                seed: int = 0) -> np.ndarray:
    """Inputs of labelled training projects, each from an encoder that did not see its fold."""
    order = np.random.default_rng(seed).permutation(len(projects))
    out = np.zeros((len(projects), len(NAMES)))
    for k in range(min(folds, len(projects))):
        held = order[k::folds]
        rest = np.setdiff1d(order, held)
        enc = NeighbourEncoder.fit([projects[i] for i in rest], used)
        out[held] = enc.transform([projects[i] for i in held], used)
    return out


def _add(table: dict[Any, list[float]], key: Any, y: float) -> None:
    row = table.setdefault(key, [0.0, 0.0])
    row[0] += y
    row[1] += 1


def content_columns(names: Sequence[str]) -> list[int]:
    """Content inputs the graph candidate keeps: all but the text dimensions (32 SVD dims overfit a
    linear model at a few hundred outcomes) and the artifact-name multi-hot (artifacts reach it
    through the encoded edges instead)."""
    return [i for i, n in enumerate(names) if not n.startswith(("text", "uses:"))]


class GraphSuccess:
    """The served graph-aware success model: rows are the content row with the seven neighbour
    inputs appended (`ServedModel.row`). `graph_logistic` is a calibrated logistic regression on
    `content_columns` + the neighbour inputs; `graph_blend` averages it with the gradient-boosting
    baseline on the content row (two views of the project, one probability)."""

    def __init__(self, name: str, content_width: int, columns: list[int], linear: Any, gbm: Any | None = None) -> None:
        self.name, self.content_width, self.columns, self.linear, self.gbm = name, content_width, columns, linear, gbm

    def fit(self, x: np.ndarray, y: np.ndarray) -> GraphSuccess:
        self.linear.fit(x[:, self.columns], y)
        if self.gbm is not None:
            self.gbm.fit(x[:, :self.content_width], y)
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        fast = getattr(self, "_fast", None)
        p = fast(x) if fast is not None else self._proba(x)
        return np.column_stack([1 - p, p])

    def _proba(self, x: np.ndarray) -> np.ndarray:
        p = self.linear.predict_proba(x[:, self.columns])[:, 1]
        if self.gbm is not None:
            p = (p + self.gbm.predict_proba(x[:, :self.content_width])[:, 1]) / 2
        return p

    def prepare(self) -> Any:
        """Compiled (numpy) path for serving, same numbers (`gnn/models/compiled.py`)."""
        from gnn.models.compiled import success_proba

        linear = success_proba(self.linear)
        gbm = success_proba(self.gbm) if self.gbm is not None else None
        if linear is None or (self.gbm is not None and gbm is None):
            return None
        cols, width = self.columns, self.content_width

        def predict(x: np.ndarray) -> np.ndarray:
            p = linear(x[:, cols])
            return (p + gbm(x[:, :width])) / 2 if gbm is not None else p
        self._fast = predict
        return predict

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_fast"}
