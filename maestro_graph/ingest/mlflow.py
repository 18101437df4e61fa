"""Experiments and registered models from an MLflow tracking store, through MlflowClient.

What becomes what:
- `experiments_run`: the number of finished runs read; `best_model_performance`: the best final
  value of the chosen metric over those runs (default the first of accuracy, f1, auc, r2 that
  any run logged; maximised unless the name says loss or error); `training_hours`: the summed
  wall time of the runs; `hyperparameter_iterations`: the number of distinct parameter sets.
  These are cumulative figures, one point each at the latest run's end, so re-reading an
  unchanged store adds nothing and new runs add a new point of the series.
- Each registered model version whose run is among the runs read becomes an Artifact
  (`model_template`, version = the model version, `NEW_VERSION_OF` the previous version) that
  the project USED (context `mlflow`).
- A version carrying the `production` alias counts as a deployment: a `deployment` point keyed by
  model and version, at the time the importer first saw it there (MLflow keeps no alias history).

An sqlite store is read through a copy, so a store written by an older MLflow is migrated in the
copy, never in the user's file. File stores need MLFLOW_ALLOW_FILE_STORE (MLflow 3 refuses them
otherwise), which this module sets for the MLflow client only when the URI names one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from maestro_graph import model as m
from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.jsonl import ImportPlan
from maestro_graph.ingest.target import metric_row

SOURCE = "mlflow"
DEFAULT_METRICS = ("accuracy", "f1", "auc", "r2")
PRODUCTION = "production"


@dataclass
class MlflowSummary:
    plan: ImportPlan
    runs: int = 0
    experiments: list[str] = field(default_factory=list)
    metric: str | None = None
    model_versions: int = 0
    deployments: int = 0


def minimised(metric: str) -> bool:
    name = metric.lower()
    return "loss" in name or "error" in name


def check_uri(uri: str) -> Path | None:
    """The local store a URI names (checked to exist), or None for a server URI."""
    parsed = urlparse(uri)
    if parsed.scheme == "sqlite":
        source = Path(uri[len("sqlite:///"):])
        if not source.is_file():
            raise InvalidInput(f"no MLflow sqlite store at {source}", "trackingUri")
        return source
    if parsed.scheme in ("", "file"):
        path = Path(parsed.path if parsed.scheme == "file" else uri)
        if not path.is_dir():
            raise InvalidInput(f"no MLflow file store at {path}", "trackingUri")
        return path
    return None


@contextmanager
def readable_uri(uri: str) -> Iterator[str]:
    """The URI to hand MlflowClient: a copy of an sqlite file, a checked file store, or as given."""
    parsed = urlparse(uri)
    source = check_uri(uri)
    if parsed.scheme == "sqlite" and source is not None:
        with tempfile.TemporaryDirectory(prefix="maestro-mlflow-") as tmp:
            copy = Path(tmp) / "mlflow.db"
            shutil.copyfile(source, copy)
            for suffix in ("-wal", "-shm"):  # a WAL-mode store keeps recent writes beside the file
                if source.with_name(source.name + suffix).is_file():
                    shutil.copyfile(source.with_name(source.name + suffix), copy.with_name(copy.name + suffix))
            yield f"sqlite:///{copy}"
        return
    if source is not None:
        path = source
        # MLflow reads this switch from its environment; nothing of Maestro's reads it.
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        yield str(path.resolve())
        return
    yield uri


def _client(uri: str) -> Any:
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise InvalidInput("maestro ingest mlflow needs the mlflow extra: pip install 'maestro-graph[mlflow]'") from None
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def _unreadable(uri: str, exc: Exception) -> InvalidInput:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return InvalidInput(f"cannot read the MLflow store {uri}: {first}", "trackingUri")


def build_plan(uri: str, project_id: str, experiment: str | None = None, metric: str | None = None,
               progress: Callable[[int], None] | None = None) -> MlflowSummary:
    """Read runs and registered models into rows (nothing is written here)."""
    with readable_uri(uri) as local:
        try:
            return _read(_client(local), project_id, experiment, metric, progress)
        except InvalidInput:
            raise
        except Exception as exc:  # noqa: BLE001 - MlflowException, sqlalchemy and OS errors alike: one line
            raise _unreadable(uri, exc) from None


def _read(client: Any, project_id: str, experiment: str | None, metric: str | None,
          progress: Callable[[int], None] | None) -> MlflowSummary:
    from mlflow.entities import ViewType

    if experiment:
        found = client.get_experiment_by_name(experiment)
        if found is None:
            raise InvalidInput(f"no MLflow experiment named {experiment!r}", "experiment")
        experiments = [found]
    else:
        experiments = client.search_experiments(view_type=ViewType.ACTIVE_ONLY)
    summary = MlflowSummary(ImportPlan(), experiments=[e.name for e in experiments])
    runs = []
    if experiments:
        for run in client.search_runs([e.experiment_id for e in experiments], filter_string="attributes.status = 'FINISHED'",
                                      max_results=50_000):
            runs.append(run)
            if progress:
                progress(1)
    summary.runs = len(runs)
    _run_metrics(summary, project_id, runs, metric)
    _models(summary, client, project_id, {r.info.run_id for r in runs}, restrict=experiment is not None)
    return summary


def _run_metrics(summary: MlflowSummary, project_id: str, runs: list[Any], metric: str | None) -> None:
    if not runs:
        return
    at = max(r.info.end_time or r.info.start_time for r in runs)
    meta = {"experiments": summary.experiments}
    hours = sum(max(0, (r.info.end_time or r.info.start_time) - r.info.start_time) for r in runs) / 3_600_000
    param_sets = {tuple(sorted(r.data.params.items())) for r in runs if r.data.params}
    rows = [("experiments_run", float(len(runs))), ("training_hours", round(hours, 6)),
            ("hyperparameter_iterations", float(len(param_sets)))]
    logged = {k for r in runs for k in r.data.metrics}
    chosen = metric or next((name for name in DEFAULT_METRICS if name in logged), None)
    if chosen is not None:
        if chosen not in logged:
            raise InvalidInput(f"no run logged a metric named {chosen!r}", "metric")
        values = [r.data.metrics[chosen] for r in runs if chosen in r.data.metrics]
        rows.append(("best_model_performance", min(values) if minimised(chosen) else max(values)))
        meta = {**meta, "metric": chosen}
        summary.metric = chosen
    for mtype, value in rows:
        summary.plan.add("import_metrics", metric_row(project_id, mtype, value, at, SOURCE, metadata=meta))


def artifact_id(name: str, version: int | str) -> str:
    return m.derived_id("mlflow", name, version)


def _models(summary: MlflowSummary, client: Any, project_id: str, run_ids: set[str], *, restrict: bool) -> None:
    plan = summary.plan
    for registered in client.search_registered_models(max_results=1000):
        versions = sorted(client.search_model_versions(f"name='{_quoted(registered.name)}'"), key=lambda v: int(v.version))
        mine = [v for v in versions if (v.run_id in run_ids) or (not restrict and not v.run_id)]
        aliases = registered.aliases or {}
        previous: str | None = None
        for version in mine:
            aid = artifact_id(registered.name, version.version)
            tags = ["mlflow"]
            props = {"name": registered.name[: m.MAX_NAME], "artifactType": "model_template", "version": str(version.version),
                     "description": (version.description or registered.description or None), "tags": tags,
                     "tagsText": " ".join(tags), "storagePath": version.source, "createdAt": int(version.creation_timestamp),
                     "metadata": m.metadata_json({"mlflowRunId": version.run_id} if version.run_id else {})}
            plan.add("import_artifacts", {"id": aid, "props": {k: v for k, v in props.items() if v is not None}})
            plan.add("import_usages", {"project": project_id, "artifact": aid, "context": "mlflow", "props": {}})
            if previous is not None:
                plan.add("import_new_version_of", {"from": aid, "to": previous, "props": {}})
            previous = aid
            summary.model_versions += 1
        for alias, number in aliases.items():
            if alias.lower() != PRODUCTION or not any(str(v.version) == str(number) for v in mine):
                continue
            row = metric_row(project_id, "deployment", 1.0, int(time.time() * 1000), SOURCE,
                             key=f"{registered.name}@{number}",
                             metadata={"model": registered.name, "version": str(number), "alias": alias})
            plan.add("import_metrics_first_seen", row)
            summary.deployments += 1


def _quoted(name: str) -> str:
    """MLflow's filter syntax: a single quote inside a quoted name is doubled."""
    return name.replace("'", "''")
