"""`maestro ingest mlflow`: a tracking store written by MLflow itself, read through a copy."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from maestro_graph.errors import InvalidInput
from maestro_graph.ingest import mlflow as importer
from maestro_graph.ingest.target import write
from maestro_graph.store.port import GraphStore
from tests.api.conftest import graph_counts, load
from tests.ingest.test_git import series

mlflow = pytest.importorskip("mlflow", reason="the mlflow extra (make test installs it)")


def write_store(path: Path) -> str:
    """Two experiments; three finished runs and a failed one in `churn`; two model versions, v2 in production."""
    from mlflow import MlflowClient

    uri = f"sqlite:///{path}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    churn = client.create_experiment("churn")
    other = client.create_experiment("other")
    run_ids = []
    for i, (lr, acc, loss) in enumerate([(0.1, 0.71, 0.9), (0.2, 0.83, 0.5), (0.2, 0.78, 0.6)]):
        run = client.create_run(churn, start_time=1_700_000_000_000 + i * 3_600_000)
        client.log_param(run.info.run_id, "lr", lr)
        client.log_metric(run.info.run_id, "accuracy", acc)
        client.log_metric(run.info.run_id, "val_loss", loss)
        client.set_terminated(run.info.run_id, "FINISHED", end_time=1_700_000_000_000 + i * 3_600_000 + 1_800_000)
        run_ids.append(run.info.run_id)
    failed = client.create_run(churn, start_time=1_700_100_000_000)
    client.log_metric(failed.info.run_id, "accuracy", 0.99)
    client.set_terminated(failed.info.run_id, "FAILED", end_time=1_700_100_001_000)
    elsewhere = client.create_run(other, start_time=1_700_000_000_000)
    client.set_terminated(elsewhere.info.run_id, "FINISHED", end_time=1_700_000_060_000)
    client.create_registered_model("churn-model")
    for run_id in run_ids[:2]:
        client.create_model_version("churn-model", source=f"runs:/{run_id}/model", run_id=run_id)
    client.set_registered_model_alias("churn-model", "production", "2")
    return uri


@pytest.fixture(scope="module")
def tracking_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    path = tmp_path_factory.mktemp("mlflow") / "mlflow.db"
    return write_store(path), path


async def test_runs_models_and_production_alias(store: GraphStore, tracking_store: tuple[str, Path]) -> None:
    uri, path = tracking_store
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    await load(store, [{"kind": "project", "id": "p:1", "name": "churn"}])
    summary = importer.build_plan(uri, "p:1", experiment="churn")
    await write(store, summary.plan, batch_size=100)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # read through a copy
    assert summary.metric == "accuracy" and summary.runs == 3
    latest_end = 1_700_000_000_000 + 2 * 3_600_000 + 1_800_000
    assert await series(store, "p:1", "experiments_run") == [(latest_end, 3.0)]
    assert await series(store, "p:1", "best_model_performance") == [(latest_end, 0.83)]
    assert await series(store, "p:1", "training_hours") == [(latest_end, 1.5)]
    assert await series(store, "p:1", "hyperparameter_iterations") == [(latest_end, 2.0)]
    assert [v for _, v in await series(store, "p:1", "deployment")] == [1.0]
    v2 = await store.read("artifacts_by_id", {"ids": [importer.artifact_id("churn-model", 2)]})
    assert v2 and v2[0]["node"]["artifactType"] == "model_template" and v2[0]["node"]["version"] == "2"
    v1 = await store.read("artifacts_by_id", {"ids": [importer.artifact_id("churn-model", 1)]})
    assert v2[0]["node"]["versionKey"] > v1[0]["node"]["versionKey"]  # ordered like JSONL-imported versions
    before = await graph_counts(store)
    # project, 2 model versions, 5 metric points; USED x2, NEW_VERSION_OF v2->v1, HAS_METRIC x5
    assert before == (8, 8)
    again = importer.build_plan(uri, "p:1", experiment="churn")
    report = await write(store, again.plan, batch_size=100)
    assert sum(report.created.values()) == 0 and await graph_counts(store) == before


async def test_a_loss_metric_is_minimised(store: GraphStore, tracking_store: tuple[str, Path]) -> None:
    uri, _ = tracking_store
    await load(store, [{"kind": "project", "id": "p:1", "name": "churn"}])
    summary = importer.build_plan(uri, "p:1", experiment="churn", metric="val_loss")
    await write(store, summary.plan, batch_size=100)
    assert [v for _, v in await series(store, "p:1", "best_model_performance")] == [0.5]


def test_missing_and_unreadable_stores(tmp_path: Path, tracking_store: tuple[str, Path]) -> None:
    with pytest.raises(InvalidInput, match="no MLflow sqlite store"):
        importer.build_plan(f"sqlite:///{tmp_path}/none.db", "p:1")
    (tmp_path / "junk.db").write_text("not a database")
    with pytest.raises(InvalidInput, match="cannot read the MLflow store"):
        importer.build_plan(f"sqlite:///{tmp_path}/junk.db", "p:1")
    with pytest.raises(InvalidInput, match="no MLflow experiment named 'nope'"):
        importer.build_plan(tracking_store[0], "p:1", experiment="nope")


async def test_a_file_store(store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlflow import MlflowClient

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 writes file stores only when allowed
    client = MlflowClient(tracking_uri=f"file://{tmp_path}/mlruns")
    run = client.create_run(client.create_experiment("x"), start_time=1_700_000_000_000)
    client.log_metric(run.info.run_id, "f1", 0.5)
    client.set_terminated(run.info.run_id, "FINISHED", end_time=1_700_000_360_000)
    await load(store, [{"kind": "project", "id": "p:1", "name": "x"}])
    summary = importer.build_plan(f"file://{tmp_path}/mlruns", "p:1", experiment="x")
    await write(store, summary.plan, batch_size=100)
    assert await series(store, "p:1", "best_model_performance") == [(1_700_000_360_000, 0.5)]
    assert await series(store, "p:1", "training_hours") == [(1_700_000_360_000, 0.1)]
