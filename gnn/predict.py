"""The served meta-model: what `maestro train` pickles and the API calls.

Inference only (numpy and the fitted scikit-learn objects): no torch, no training code paths.
Every answer is built from a `ProjectRecord` plus the project's artifacts and early metrics, so
a stored project and a hypothetical one (`recommendations(input)`) go through the same code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gnn.data.features import FeatureSpace
from gnn.data.snapshot import ArtifactRecord, ProjectRecord, Snapshot
from gnn.models import recommend
from gnn.models.metrics import wilson
from gnn.models.neighbours import NAMES as NEIGHBOUR_NAMES
from gnn.models.neighbours import NeighbourEncoder
from gnn.models.team import TeamResponse

TEAM_SIZES = range(1, 13)
MIN_SIMILAR = 3  # fewer training projects of the class at a team size: the point extrapolates


@dataclass
class Recommendation:
    artifact_id: str
    score: float
    reasons: list[str]


@dataclass
class ServedModel:
    features: FeatureSpace
    artifacts: list[ArtifactRecord]
    catalogue: recommend.Catalogue | None
    reranker: recommend.Reranker | None
    recommend_method: str | None
    success_model: Any | None
    success_bins: list[dict[str, float]]
    interval_models: dict[str, Any]
    feature_means: list[float]
    team_counts: dict[str, dict[int, int]] = field(default_factory=dict)  # class -> team size -> projects
    project_ids: list[str] = field(default_factory=list)  # catalogue rows
    # Set when the served success model is graph-aware: rows then end with its neighbour inputs.
    success_graph: NeighbourEncoder | None = None
    # The team-size response model (`gnn/models/team.py`); None: too few outcomes, or a model
    # pickled before it existed (the curve then comes from the success model, argmax rule).
    team_model: TeamResponse | None = None

    # -- inputs -------------------------------------------------------------------------------
    def _snapshot(self, project: ProjectRecord, used: list[str], metrics: dict[str, float]) -> Snapshot:
        return Snapshot([project], self.artifacts, [(project.id, a) for a in used], {}, [],
                        {project.id: metrics} if metrics else {})

    def row(self, project: ProjectRecord, used: list[str], metrics: dict[str, float]) -> np.ndarray:
        """The content row, then (graph-aware success model) the neighbour inputs of `used`."""
        x = self.features.transform(self._snapshot(project, used, metrics), [project])
        graph = getattr(self, "success_graph", None)
        if graph is not None:
            x = np.hstack([x, graph.transform([project], {project.id: used})])
        return x

    def names(self) -> list[str]:
        graph = getattr(self, "success_graph", None)
        return self.features.names() + (list(NEIGHBOUR_NAMES) if graph is not None else [])

    def _content(self, x: np.ndarray) -> np.ndarray:
        """The content part of a row: what the interval models were fitted on."""
        return x[:, :x.shape[1] - len(NEIGHBOUR_NAMES)] if getattr(self, "success_graph", None) is not None else x

    # -- recommendation -----------------------------------------------------------------------
    def recommend(self, project: ProjectRecord, k: int, exclude: set[str] = frozenset()) -> list[Recommendation]:
        cat = self.catalogue
        if cat is None or self.recommend_method is None or not cat.usage.any():
            return []
        text = self.features.text.transform([project.id], [project.text])[0]
        self_row = self.project_ids.index(project.id) if project.id in self.project_ids else None
        sig = cat.signals(project.problem_class, project.tags, text, self_row=self_row)
        inputs = cat.reranker_inputs(sig, project.problem_class, self_row) if self.recommend_method == "reranker" else None
        scores = recommend.rank(self.recommend_method, sig, self.reranker, inputs)
        top, _ = cat.neighbours(text, self_row)
        out = []
        for j in np.argsort(-scores, kind="stable"):
            aid = cat.artifact_ids[j]
            if aid in exclude:
                continue
            out.append(Recommendation(aid, float(scores[j]), self._reasons(project, j, sig[j], top)))
            if len(out) == k:
                break
        return out

    def _reasons(self, project: ProjectRecord, j: int, sig: np.ndarray, top: np.ndarray) -> list[str]:
        cat = self.catalogue
        assert cat is not None
        users = [i for i in top if cat.usage[i, j]]
        name = cat.families[j] if cat.families else None
        versions = np.flatnonzero(cat.family_of == cat.family_of[j])
        family_users = [i for i in top if cat.usage[i, versions].any()] if len(versions) > 1 else users
        # The re-ranker weighs the need for the artifact's name over all its versions (usage splits
        # across versions, the need does not), so the reason counts it that way too: "0 of your 10
        # most similar projects used it" on the top pick, a newer version of what 6 of them used,
        # would explain nothing.
        counted, what = (family_users, f"{name} ({len(users)} this version)") if len(family_users) > len(users) \
            else (users, "it")
        won = sum(1 for i in counted if cat.success[i])
        reasons = [f"{len(counted)} of your {len(top)} most similar projects used {what}; {won} of them succeeded"]
        reasons.append(f"used by {int(sig[1])} earlier projects of class {project.problem_class} ({int(sig[0])} in all)")
        if len(versions) > 1 and cat.vrank[j] == 0:
            reasons.append(f"the newest of the {len(versions)} versions of {name}")
        return reasons

    # -- outcome ------------------------------------------------------------------------------
    def prepare(self) -> ServedModel:
        """Compile the fitted models to numpy once, at load (`gnn.registry.load`): the same answers
        without scikit-learn's per-call overhead (`gnn/models/compiled.py`). Idempotent; a model
        pickled before this existed is prepared the same way."""
        if getattr(self, "_success_fast", None) is None and self.success_model is not None:
            from gnn.models.compiled import success_proba

            own = getattr(self.success_model, "prepare", None)  # a graph-aware model compiles itself
            self._success_fast = own() if own is not None else success_proba(self.success_model)
        for model in self.interval_models.values():
            if hasattr(model, "prepare"):
                model.prepare()
        return self

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_success_fast"}  # rebuilt by prepare()

    def has_outcome_model(self) -> bool:
        return self.success_model is not None

    def success(self, x: np.ndarray) -> np.ndarray:
        assert self.success_model is not None
        fast = getattr(self, "_success_fast", None)
        if fast is not None:
            return fast(x)
        return self.success_model.predict_proba(x)[:, 1]

    def success_interval(self, p: float) -> tuple[float, float]:
        """80% Wilson interval around p, with n = the held-out projects of p's calibration bin:
        how sure the evaluation lets us be about a probability of this size."""
        if not self.success_bins:
            return (0.0, 1.0)
        b = min(self.success_bins, key=lambda b: abs(b["predicted"] - p))
        low, high = wilson(p, int(b["n"]))
        return (low, high)

    def quantiles(self, target: str, x: np.ndarray, problem_class: str) -> tuple[float, float, float] | None:
        model = self.interval_models.get(target)
        if model is None:
            return None
        q = np.exp(model.predict(self._content(x), [problem_class])[0])
        return (float(q[0]), float(q[1]), float(q[2]))

    def explain(self, x: np.ndarray, names: list[str] | None = None, top: int = 3,
                unrecorded: frozenset[str] = frozenset()) -> list[str]:
        """Top factors: how far p moves when one input is set to the training average. The probes
        go through the model as one matrix: one call per input cost most of predictOutcome's time.

        Columns that encode one fact move together: team size with its log, a process metric with
        its missing flag. A metric not measured yet is a factor of its own ("not measured yet"),
        never "= 0": its value column holds a stand-in beside the flag. So are the `unrecorded`
        inputs (`FeatureSpace.unrecorded`: no complexity, a metadata key the project lacks)."""
        names = names or self.names()
        column = {name: i for i, name in enumerate(names)}
        means = np.asarray(self.feature_means)
        probes, factors = [x[0]], []
        for i, name in enumerate(names):
            if name.startswith(("text", "class=")) or name.endswith(":missing") or name == "log_team_size":
                continue
            group = [i]
            label = f"{name} not recorded" if name in unrecorded else f"{name} = {x[0, i]:g}"
            if name == "team_size" and "log_team_size" in column:
                group.append(column["log_team_size"])
            flag = column.get(f"{name}:missing")
            if flag is not None:
                group.append(flag)
                if x[0, flag] == 1.0:
                    label = f"{name} not measured yet"
            if all(x[0, g] == means[g] for g in group):
                continue
            probe = x[0].copy()
            probe[group] = means[group]
            if name == "team_size" and "log_team_size" in column:
                probe[column["log_team_size"]] = math.log1p(means[i])
            probes.append(probe)
            factors.append(label)
        p = self.success(np.vstack(probes))
        effects = sorted(((float(p[0] - p[j + 1]), label) for j, label in enumerate(factors)), key=lambda e: -abs(e[0]))
        return [f"{label}: {delta:+.2f} success probability vs an average project" for delta, label in effects[:top]]

    def team_curve(self, project: ProjectRecord, used: list[str], metrics: dict[str, float]) -> list[dict[str, Any]]:
        """Predicted success at each team size, the project's other content fixed; from the team
        model when there is one (its own 80% Laplace interval per point)."""
        sizes = list(TEAM_SIZES)
        team = getattr(self, "team_model", None)
        if team is not None:
            values = team.curve(self._snapshot(project, used, metrics), project, sizes)
        else:
            values = []
            own = project.team_size
            for size in sizes:
                project.team_size = size
                p = float(self.success(self.row(project, used, metrics))[0])
                values.append((p, *self.success_interval(p)))
            project.team_size = own
        points = []
        for size, (p, low, high) in zip(sizes, values):
            seen = self.team_counts.get(project.problem_class, {}).get(size, 0)
            points.append({"teamSize": size, "successProbability": p, "low": low, "high": high,
                           "similarProjects": seen, "extrapolated": seen < MIN_SIMILAR})
        return points

    def recommended_team_size(self, problem_class: str, curve: list[dict[str, Any]]) -> int:
        """Among the curve's non-extrapolated sizes (all of them when none is): the team model's
        choice (the middle of the sizes not distinguishable from the best, `TeamResponse.recommend`),
        else the argmax."""
        trusted = [pt for pt in curve if not pt["extrapolated"]] or curve
        team = getattr(self, "team_model", None)
        if team is not None:
            return team.recommend(problem_class, [pt["teamSize"] for pt in trusted])
        return int(max(trusted, key=lambda pt: pt["successProbability"])["teamSize"])
