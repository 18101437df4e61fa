"""The meta-model as service functions: recommendations, outcome predictions, model info.

The newest model directory under `<data dir>/models/` is loaded on first use and replaced when
a newer one appears (`gnn.registry.Registry`). Nothing here imports torch or training code:
a server with no trained model answers `NO_MODEL` and never loads the ML stack.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maestro_graph.errors import InvalidInput, NoModel, NotFound
from maestro_graph.model import MAX_TEXT, ProblemClass, check_tags, check_text, classify_problem
from maestro_graph.store.port import GraphStore

_REGISTRIES: dict[Path, Any] = {}  # one per models directory, shared by the requests of a process


def current_model(data_dir: Path) -> Any:
    """The newest loaded model, or None. Imports the registry only when asked."""
    from gnn.registry import Registry, models_root

    root = models_root(data_dir)
    if root not in _REGISTRIES:
        _REGISTRIES[root] = Registry(root)
    return _REGISTRIES[root].current()


def _require(data_dir: Path) -> Any:
    model = current_model(data_dir)
    if model is None:
        raise NoModel("no trained model yet; run `maestro train`")
    return model


@dataclass
class _Stored:
    """The Prediction already stored for (project, served model version), if any."""

    input_hash: str | None = None
    created_at: int | None = None


async def _project(store: GraphStore, project_id: str, prediction_id: str | None = None,
                   stored: _Stored | None = None) -> tuple[Any, list[str], dict[str, float]]:
    from gnn.data.snapshot import METRIC_HORIZON_MS, ProjectRecord, _metadata, _num

    rows = await store.read("learn_project", {"id": project_id, "predictionId": prediction_id})
    if not rows:
        raise NotFound(f"no project {project_id}", "projectId")
    r = rows[0]
    if stored is not None:
        stored.input_hash, stored.created_at = r.get("predictionInputHash"), r.get("predictionCreatedAt")
    record = ProjectRecord(
        id=r["id"], name=r.get("name") or "", description=r.get("description") or "", tags=list(r.get("tags") or []),
        problem_class=r.get("problemClass") or "other", complexity=_num(r.get("complexityScore")),
        status=r.get("status"), started_at=r.get("startedAt"), team_size=int(r.get("teamSize") or 0),
        metadata=_metadata(r.get("metadata")),
    )
    metric_rows = await store.read("learn_project_metrics", {"id": project_id, "horizonMs": METRIC_HORIZON_MS})
    metrics = {m["type"]: float(m["mean"]) for m in metric_rows if _num(m.get("mean")) is not None}
    return record, list(r.get("used") or []), metrics


@dataclass
class Recommended:
    artifact_id: str
    score: float
    reasons: list[str]


async def recommend_artifacts(store: GraphStore, data_dir: Path, project_id: str, k: int) -> list[Recommended]:
    """Artifacts the project does not use yet, best first; works for a project with no edges."""
    if not 1 <= k <= 100:
        raise InvalidInput("k must be between 1 and 100", "k")
    model = _require(data_dir)
    project, used, _ = await _project(store, project_id)
    served = model.served
    if served.recommend_method is None:
        raise NoModel("the model has no recommender (no artifact usage to learn from)")
    return [Recommended(r.artifact_id, r.score, r.reasons) for r in served.recommend(project, k, exclude=set(used))]


@dataclass
class Outcome:
    success_probability: float
    success_low: float
    success_high: float
    duration: tuple[float, float, float] | None
    cost: tuple[float, float, float] | None
    model_version: str
    created_at: int
    explanation: list[str] = field(default_factory=list)


def input_hash(x: Any, model_version: str) -> str:
    """Fingerprint of everything a prediction is computed from: the model and the input row."""
    import hashlib

    return hashlib.sha256(model_version.encode() + b"\0" + x.astype("<f8").tobytes()).hexdigest()[:32]


async def predict_outcome(store: GraphStore, data_dir: Path, project_id: str) -> Outcome:
    """Predict, then store the prediction FOR the project (one per model version) for backtesting.

    The model is deterministic, so when the stored Prediction of this version was computed from
    the same input row (its `inputHash`) the answer is the same numbers: it is not written
    again and keeps its `createdAt` (when that prediction became available, which is what the
    backtest compares outcomes against). A changed project writes a new one."""
    model = _require(data_dir)
    served = model.served
    if not served.has_outcome_model():
        raise NoModel("the model has no outcome predictor: too few recorded outcomes to learn from")
    prediction_id = f"{project_id}@{model.version}"
    stored = _Stored()
    project, used, metrics = await _project(store, project_id, prediction_id, stored)
    x = served.row(project, used, metrics)
    fingerprint = input_hash(x, model.version)
    p = float(served.success(x)[0])
    low, high = served.success_interval(p)
    duration = served.quantiles("durationDays", x, project.problem_class)
    cost = served.quantiles("costUsd", x, project.problem_class)
    explanation = served.explain(x, unrecorded=served.features.unrecorded(project))
    unchanged = stored.input_hash == fingerprint and stored.created_at is not None
    created_at = int(stored.created_at) if unchanged else int(time.time() * 1000)  # type: ignore[arg-type]
    outcome = Outcome(p, low, high, duration, cost, model.version, created_at, explanation)
    if unchanged:
        return outcome
    props: dict[str, Any] = {
        "modelVersion": model.version, "createdAt": outcome.created_at, "successProbability": p,
        "successLow": low, "successHigh": high, "inputHash": fingerprint,
    }
    if duration:
        props.update(durationDays=duration[1], durationP10=duration[0], durationP90=duration[2])
    if cost:
        props.update(costUsd=cost[1], costP10=cost[0], costP90=cost[2])
    await store.write("save_prediction", {"projectId": project_id, "id": prediction_id, "props": props})
    return outcome


async def model_info(store: GraphStore, data_dir: Path) -> dict[str, Any]:
    """The served model's report plus a backtest of its stored predictions against outcomes since."""
    model = _require(data_dir)
    rows = await store.read("learn_backtest", {"version": model.version})
    probs = [(float(r["p"]), 1.0 if r["success"] else 0.0) for r in rows if r.get("p") is not None]
    ranged = [r for r in rows if r.get("d10") is not None and r.get("duration") is not None]
    backtest = {
        "n": len(probs),
        "brier": sum((p - y) ** 2 for p, y in probs) / len(probs) if probs else math.nan,
        "durationCoverage": (sum(1 for r in ranged if r["d10"] <= r["duration"] <= r["d90"]) / len(ranged)
                             if ranged else math.nan),
    }
    return {**model.info, "backtest": backtest}


@dataclass
class PlanAdvice:
    """Advice for a project that does not exist yet: team size, artifacts, predicted outcome."""

    recommended_team_size: int | None
    team_curve: list[dict[str, Any]]
    artifacts: list[Recommended]
    outcome: Outcome | None
    note: str


ASSOCIATIONAL = ("associational: predicted success of past projects like this one at each team size, "
                 "not the effect of changing a team; points flagged extrapolated had fewer than 3 similar projects; "
                 "the recommended size is the middle of the sizes the evidence cannot tell apart from the best; "
                 "the curve comes from the team-size model and the predicted outcome from the success model, "
                 "which weighs every feature, so the two can differ at the same size")


async def plan_advice(
    data_dir: Path, problem_class: str, complexity: float, team_size: int | None, description: str, tags: list[str],
) -> PlanAdvice:
    from gnn.data.snapshot import ProjectRecord

    problem_class, read_as = _planned_class(problem_class)
    tags = check_tags(tags)
    description = check_text(description, "description", max_len=MAX_TEXT, required=False, multiline=True) or ""
    if not 1 <= complexity <= 10:
        raise InvalidInput("complexityScore must be between 1 and 10", "complexityScore")
    if team_size is not None and not 1 <= team_size <= 100:
        raise InvalidInput("teamSize must be between 1 and 100", "teamSize")
    model = _require(data_dir)
    served = model.served
    project = ProjectRecord(id="(new project)", name="", description=description, tags=tags,
                            problem_class=problem_class, complexity=complexity, status="planned",
                            started_at=None, team_size=team_size or 0, metadata={})
    artifacts = [Recommended(r.artifact_id, r.score, r.reasons) for r in served.recommend(project, 10)] \
        if served.recommend_method else []
    if not served.has_outcome_model():
        return PlanAdvice(None, [], artifacts, None, "no outcome model: too few recorded outcomes")
    curve = served.team_curve(project, [], {})
    best = served.recommended_team_size(problem_class, curve)
    project.team_size = team_size or best
    x = served.row(project, [], {})
    p = float(served.success(x)[0])
    low, high = served.success_interval(p)
    outcome = Outcome(p, low, high, served.quantiles("durationDays", x, problem_class),
                      served.quantiles("costUsd", x, problem_class), model.version, int(time.time() * 1000),
                      served.explain(x, unrecorded=served.features.unrecorded(project)))
    return PlanAdvice(best, curve, artifacts, outcome, read_as + ASSOCIATIONAL)


def _planned_class(name: str) -> tuple[str, str]:
    """The class a plan names, read as imports read it (any case, finer names such as
    "object_detection" mapped to theirs), and a note saying so when it was mapped. Unlike an
    import, which keeps an unknown name under "other", a plan naming no known class is refused:
    advice for "other" would answer a question nobody asked."""
    value, original = classify_problem(name)
    known = original is None or value != ProblemClass.OTHER.value or original.strip().lower() == value
    if not known:
        choices = ", ".join(c.value for c in ProblemClass)
        raise InvalidInput(f"problemClass must be one of {choices}, or a finer name such as object_detection",
                           "problemClass")
    mapped = original is not None and original.strip().lower() != value
    return value, (f"problemClass {original!r} read as {value}; " if mapped else "")
