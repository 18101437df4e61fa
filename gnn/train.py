"""Fit and evaluate the meta-model's tasks on one snapshot; return what a model directory holds.

Order of work: split projects by start date; fit the feature space on training projects; for
each task score the baselines and candidates on validation (choose) and test (report); refit
the winner on every project whose label is known, which is what gets served. A task without
enough labels is skipped with a reason, so a graph with no outcome still trains recommendations.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gnn.data.features import FeatureSpace
from gnn.data.snapshot import ArtifactRecord, ProjectRecord, Snapshot
from gnn.data.split import Split, time_split
from gnn.models import intervals, neighbours, recommend, success, team
from gnn.predict import ServedModel

Progress = Callable[[str], None]


@dataclass
class Trained:
    """Everything training produced: the served model and the evaluation report."""

    served: ServedModel
    report: dict[str, Any]
    learning_curve: list[dict[str, float]] = field(default_factory=list)


def _labelled(projects: list[ProjectRecord], attr: str) -> list[ProjectRecord]:
    return [p for p in projects if getattr(p, attr) is not None]


def catalogue(snapshot: Snapshot, space: FeatureSpace, project_ids: list[str]) -> recommend.Catalogue:
    artifact_ids = [a.id for a in snapshot.artifacts]
    col = {a: j for j, a in enumerate(artifact_ids)}
    used = snapshot.used_by()
    projects = [snapshot.project(i) for i in project_ids]
    usage = np.zeros((len(projects), len(artifact_ids)))
    for i, p in enumerate(projects):
        for a in used.get(p.id, []):
            usage[i, col[a]] = 1.0
    text = space.text.transform([p.id for p in projects], [p.text for p in projects]) if projects else np.zeros((0, 1))
    order = sorted(range(len(projects)), key=lambda i: (projects[i].started_at or -1, projects[i].id))
    recency = [0.0] * len(projects)
    for position, i in enumerate(order):
        recency[i] = position / max(1, len(projects) - 1)
    return recommend.Catalogue(artifact_ids, usage, [p.problem_class for p in projects],
                               [p.tags for p in projects], text, [p.success for p in projects],
                               families=[a.name for a in snapshot.artifacts],
                               version_rank=version_ranks(snapshot.artifacts), recency=recency)


def version_ranks(artifacts: list[ArtifactRecord]) -> list[int]:
    """Per artifact: 0 for the newest version of its name, 1 for the one before, ... (by the
    store's versionKey; by id where an artifact has none)."""
    by_name: dict[str, list[ArtifactRecord]] = {}
    for a in artifacts:
        by_name.setdefault(a.name, []).append(a)
    rank: dict[str, int] = {}
    for versions in by_name.values():
        for r, a in enumerate(sorted(versions, key=lambda a: (a.version_key or "", a.id), reverse=True)):
            rank[a.id] = r
    return [rank[a.id] for a in artifacts]


def _queries(snapshot: Snapshot, space: FeatureSpace, ids: list[str]) -> list[tuple[str, list[str], np.ndarray, set[str]]]:
    used = snapshot.used_by()
    projects = [snapshot.project(i) for i in ids if used.get(i)]
    if not projects:
        return []
    text = space.text.transform([p.id for p in projects], [p.text for p in projects])
    return [(p.problem_class, p.tags, text[i], set(used[p.id])) for i, p in enumerate(projects)]


def train(snapshot: Snapshot, progress: Progress = lambda _: None) -> Trained:
    """Train every task; one thread for the native libraries, whose OpenMP pools spin and slow
    down many-fold on a shared machine while the models are small enough not to need them."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _train(snapshot, progress)


def _train(snapshot: Snapshot, progress: Progress) -> Trained:
    if len(snapshot.projects) < 5:
        from maestro_graph.errors import InvalidInput

        raise InvalidInput("training needs at least 5 projects in the graph", "projects")
    split = time_split(snapshot.projects)
    progress("features")
    space = FeatureSpace.fit(snapshot, split.train)
    report: dict[str, Any] = {
        "split": {"train": len(split.train), "valid": len(split.valid), "test": len(split.test),
                  "order": "startedAt", "textFeatures": space.text.source},
        "tasks": {},
    }

    # Served objects see every project: the catalogue, text model and winners refit on all of them.
    all_ids = [p.id for p in snapshot.projects]
    serving_space = FeatureSpace.fit(snapshot, all_ids)
    progress("recommendation")
    rec = _train_recommendation(snapshot, space, split, report)
    progress("success")
    success_model, bins, curve, graph_encoder = _train_success(snapshot, space, serving_space, split, report)
    progress("team size")
    team_model = fit_team(snapshot, space, split, report)
    progress("duration and cost")
    interval_models = {t: m for t in ("durationDays", "costUsd")
                       if (m := _train_interval(snapshot, space, serving_space, split, report, t)) is not None}
    cat = catalogue(snapshot, serving_space, all_ids)
    method = report["tasks"]["recommendation"]["chosen"]
    reranker = recommend.Reranker().fit(cat) if method == "reranker" else None
    x_all = serving_space.transform(snapshot, snapshot.projects)
    if graph_encoder is not None:
        x_all = np.hstack([x_all, graph_encoder.transform(snapshot.projects, snapshot.used_by())])
    team_counts: dict[str, dict[int, int]] = {}
    for p in snapshot.projects:
        by_size = team_counts.setdefault(p.problem_class, {})
        by_size[p.team_size] = by_size.get(p.team_size, 0) + 1
    served = ServedModel(
        features=serving_space, artifacts=snapshot.artifacts, catalogue=cat if rec else None, reranker=reranker,
        recommend_method=method, success_model=success_model, success_bins=bins,
        interval_models=interval_models, feature_means=x_all.mean(axis=0).tolist(), team_counts=team_counts,
        project_ids=all_ids, success_graph=graph_encoder, team_model=team_model,
    )
    return Trained(served, report, curve)


def _train_recommendation(snapshot: Snapshot, space: FeatureSpace, split: Split, report: dict[str, Any]) -> bool:
    cat = catalogue(snapshot, space, split.train)
    valid_q, test_q = _queries(snapshot, space, split.valid), _queries(snapshot, space, split.test)
    if not cat.usage.any() or not valid_q or not test_q:
        report["tasks"]["recommendation"] = {"chosen": None, "reason": "no artifact usage to learn from"}
        return False
    result, _ = recommend.evaluate(cat, valid_q, test_q)
    report["tasks"]["recommendation"] = {"chosen": result.chosen, "reason": result.reason,
                                         "valid": _strip(result.valid), "test": _strip(result.test)}
    return True


def _strip(metrics: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {m: {k: v for k, v in row.items() if k != "perProjectNdcg"} for m, row in metrics.items()}


def _xy(snapshot: Snapshot, space: FeatureSpace, projects: list[ProjectRecord], attr: str) -> tuple[np.ndarray, np.ndarray]:
    x = space.transform(snapshot, projects) if projects else np.zeros((0, len(space.names())))
    y = np.asarray([float(getattr(p, attr)) for p in projects])
    return x, y


def _train_success(snapshot: Snapshot, space: FeatureSpace, final_space: FeatureSpace, split: Split,
                   report: dict[str, Any]):
    """Evaluate the success candidates; return the served one (refitted on every outcome), its
    held-out bins, the learning curve and, for a graph-aware winner, its neighbour encoder."""
    parts = [_labelled([snapshot.project(i) for i in ids], "success") for ids in (split.train, split.valid, split.test)]
    labelled = sum(parts, [])
    ys = [np.asarray([float(p.success) for p in part]) for part in parts]
    if (len(labelled) < success.MIN_OUTCOMES or len({p.success for p in labelled}) < 2
            or any(len(set(y.tolist())) < 2 for y in ys)):
        report["tasks"]["success"] = {"chosen": None,
                                      "reason": f"needs {success.MIN_OUTCOMES} recorded outcomes with both results in "
                                                f"every split; have {len(labelled)}"}
        return None, [], [], None
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = (_xy(snapshot, space, part, "success") for part in parts)
    used = snapshot.used_by()
    graph = graph_inputs(snapshot, space, split)
    result = success.evaluate(x_tr, y_tr, x_va, y_va, x_te, y_te, graph)
    report["tasks"]["success"] = {"chosen": result.chosen, "reason": result.reason, "valid": result.valid,
                                  "test": result.test, "reliability": result.reliability}
    _evaluate_gnn(snapshot, space, split, report["tasks"]["success"], y_va, y_te)
    is_graph = result.chosen in success.GRAPH_CANDIDATES
    curve = _learning_curve(result.chosen, graph.train if is_graph else x_tr, y_tr,
                            graph.test if is_graph else x_te, y_te, space.names())
    x_all, y_all = _xy(snapshot, final_space, labelled, "success")
    if not is_graph:
        return success.fit_final(result.chosen, x_all, y_all), result.bins, curve, None
    x_all = np.hstack([x_all, neighbours.out_of_fold(labelled, used)])
    model = success.fit_final(result.chosen, x_all, y_all, final_space.names())
    return model, result.bins, curve, neighbours.NeighbourEncoder.fit(labelled, used)


def graph_inputs(snapshot: Snapshot, space: FeatureSpace, split: Split) -> success.GraphInputs:
    """Success rows of the labelled projects of each split with the neighbour inputs appended:
    messages come from labelled training projects only (out-of-fold for the training rows), so
    a held-out project's label and edges reach no row but its own edges reach its own row."""
    parts = [_labelled([snapshot.project(i) for i in ids], "success") for ids in (split.train, split.valid, split.test)]
    used = snapshot.used_by()
    encoder = neighbours.NeighbourEncoder.fit(parts[0], used)
    rows = [_xy(snapshot, space, part, "success")[0] for part in parts]
    return success.GraphInputs(np.hstack([rows[0], neighbours.out_of_fold(parts[0], used)]),
                               np.hstack([rows[1], encoder.transform(parts[1], used)]),
                               np.hstack([rows[2], encoder.transform(parts[2], used)]), space.names())


def fit_team(snapshot: Snapshot, space: FeatureSpace, split: Split, report: dict[str, Any]) -> team.TeamResponse | None:
    """The team-size response model (`gnn/models/team.py`), fitted on the labelled TRAINING
    projects only and served as fitted: its penalties are chosen by cross-validation inside them,
    and validation and test projects score it (log-loss beside the success candidates')."""
    train = _labelled([snapshot.project(i) for i in split.train], "success")
    model = team.TeamResponse.fit(snapshot, train, space)
    if model is None:
        report["tasks"]["teamSize"] = {"chosen": None, "reason": f"needs {team.MIN_PROJECTS} training outcomes with "
                                                                 "both results"}
        return None
    held: dict[str, dict[str, Any]] = {"valid": {}, "test": {}}
    for name, ids in (("valid", split.valid), ("test", split.test)):
        part = [p for p in _labelled([snapshot.project(i) for i in ids], "success") if p.team_size >= 1]
        if len({p.success for p in part}) == 2:
            y = np.asarray([float(p.success) for p in part])
            held[name]["team_response"] = success.score(y, model.predict_proba(snapshot, part), ci=False)
    report["tasks"]["teamSize"] = {
        "chosen": "team_response", "model": model.summary(), **held,
        "reason": "the recommendations curve: class x team-size terms shrunk to a pooled curve, penalties by "
                  f"5-fold CV log-loss on {model.n} training outcomes ({model.chosen}); associational"}
    return model


def _evaluate_gnn(snapshot: Snapshot, space: FeatureSpace, split: Split, task: dict[str, Any],
                  y_va: np.ndarray, y_te: np.ndarray) -> None:
    """Score the GNN beside the baselines (Platt-scaled on validation, so its validation figures
    are optimistic); it is not served yet, so the choice stays among servable candidates."""
    try:
        from gnn.data.hetero import to_hetero
        from gnn.models import gnn as gnn_model
    except ImportError:  # the ml extra without torch-geometric: evaluate without it
        return
    data = to_hetero(snapshot, space, split)
    p_va, p_te = gnn_model.evaluate(data)
    task["valid"]["gnn"] = success.score(y_va, p_va)
    task["test"]["gnn"] = success.score(y_te, p_te)
    task["notServed"] = {"gnn": "evaluated only: serving a GNN prediction for one project is not built yet"}


def _learning_curve(name: str, x: np.ndarray, y: np.ndarray, x_te: np.ndarray, y_te: np.ndarray,
                    names: list[str]) -> list[dict[str, float]]:
    out = []
    for share in (1 / 3, 2 / 3, 1.0):
        n = max(8, int(len(y) * share))
        if len(set(y[:n].tolist())) < 2:
            continue
        fresh = (success.graph_candidate(name, n, names) if name in success.GRAPH_CANDIDATES
                 else success.candidates(n)[name])
        model = fresh.fit(x[:n], y[:n])
        out.append({"n": n, **{k: v for k, v in success.score(y_te, model.predict_proba(x_te)[:, 1], ci=False).items()
                               if k in ("auc", "logLoss", "brier")}})
    return out


def _train_interval(snapshot: Snapshot, space: FeatureSpace, final_space: FeatureSpace, split: Split,
                    report: dict[str, Any], attr_name: str):
    attr = {"durationDays": "duration_days", "costUsd": "cost_usd"}[attr_name]
    parts = [[p for p in _labelled([snapshot.project(i) for i in ids], attr) if getattr(p, attr) > 0]
             for ids in (split.train, split.valid, split.test)]
    if len(parts[0]) < intervals.MIN_OUTCOMES or not parts[1] or not parts[2]:
        report["tasks"][attr_name] = {"chosen": None, "reason": f"needs {intervals.MIN_OUTCOMES} finished projects"}
        return None
    data = []
    for part in parts:
        x, y = _xy(snapshot, space, part, attr)
        data.append((x, np.log(y), [p.problem_class for p in part]))
    result = intervals.evaluate(attr_name, data[0], data[1], data[2])
    report["tasks"][attr_name] = {"chosen": result.chosen, "reason": result.reason, "valid": result.valid,
                                  "test": result.test, "scale": "log", "censoring": "running projects left out"}
    labelled = sum(parts, [])
    x_all, y_all = _xy(snapshot, final_space, labelled, attr)
    return intervals.METHODS[result.chosen]().fit(x_all, np.log(y_all), [p.problem_class for p in labelled])


def finite(value: Any) -> Any:
    """JSON-safe copy: NaN becomes None."""
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if isinstance(value, np.generic):
        return finite(value.item())
    return value
