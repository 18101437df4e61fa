"""`maestro ingest dvc`: stages, hashed outputs and lineage from dvc.yaml and dvc.lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.dvc import build_plan, link_versions
from maestro_graph.ingest.target import write
from maestro_graph.model import derived_id
from maestro_graph.store.port import GraphStore
from tests.api.conftest import graph_counts, load

DVC_YAML = """\
stages:
  prepare:
    cmd: python src/prepare.py data/raw.csv
    deps:
      - data/raw.csv
      - src/prepare.py
    params:
      - prepare.seed
    outs:
      - data/prepared
  train:
    cmd: python src/train.py data/prepared model.pkl
    deps:
      - data/prepared
      - src/train.py
    outs:
      - model.pkl:
          cache: true
"""

DVC_LOCK = """\
schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py data/raw.csv
    deps:
    - path: data/raw.csv
      hash: md5
      md5: 1a0a2b3c4d5e6f708192a3b4c5d6e7f8
      size: 1024
    - path: src/prepare.py
      hash: md5
      md5: 9f8e7d6c5b4a39281706f5e4d3c2b1a0
      size: 300
    outs:
    - path: data/prepared
      hash: md5
      md5: 153aad06d376ec6d9db4b5b36fdce9f6.dir
      size: 2048
      nfiles: 2
  train:
    cmd: python src/train.py data/prepared model.pkl
    deps:
    - path: data/prepared
      hash: md5
      md5: 153aad06d376ec6d9db4b5b36fdce9f6.dir
      size: 2048
      nfiles: 2
    - path: src/train.py
      hash: md5
      md5: 0011223344556677889900aabbccddee
      size: 500
    outs:
    - path: model.pkl
      hash: md5
      md5: {model_md5}
      size: 4096
"""

RAW_DVC = """\
outs:
- md5: 1a0a2b3c4d5e6f708192a3b4c5d6e7f8
  size: 1024
  hash: md5
  path: raw.csv
"""


def dvc_project(root: Path, model_md5: str = "c0ffee00c0ffee00c0ffee00c0ffee00") -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "dvc.yaml").write_text(DVC_YAML)
    (root / "dvc.lock").write_text(DVC_LOCK.replace("{model_md5}", model_md5))
    (root / "data" / "raw.csv.dvc").write_text(RAW_DVC)
    return root


async def lineage(store: GraphStore, artifact: str) -> set[str]:
    rows = await store.read("artifact_lineage_upstream", {"ids": [artifact], "depth": 3})
    return {r["node"]["id"] for r in rows}


async def test_stages_datasets_and_lineage_and_a_second_run(store: GraphStore, tmp_path: Path) -> None:
    root = dvc_project(tmp_path / "proj")
    await load(store, [{"kind": "project", "id": "p:1", "name": "churn"}])
    summary = build_plan(root, "p:1")
    await write(store, summary.plan, batch_size=100)
    assert (summary.stages, summary.datasets, summary.edges) == (2, 3, 4)
    # project + 2 stages + 3 dataset versions; 5 USED + 4 DERIVED_FROM
    assert await graph_counts(store) == (6, 9)
    model = derived_id("dvc", "p:1", "model.pkl", "c0ffee00c0ffee00c0ffee00c0ffee00")
    node = (await store.read("artifacts_by_id", {"ids": [model]}))[0]["node"]
    assert node["artifactType"] == "dataset" and node["version"] == "c0ffee00c0ffee00c0ffee00c0ffee00"
    prepared = derived_id("dvc", "p:1", "data/prepared", "153aad06d376ec6d9db4b5b36fdce9f6.dir")
    stage = lambda name: derived_id("dvc", "p:1", "stage", name)  # noqa: E731
    assert await lineage(store, model) == {stage("train"), prepared, stage("prepare")}
    raw = derived_id("dvc", "p:1", "data/raw.csv", "1a0a2b3c4d5e6f708192a3b4c5d6e7f8")
    assert raw in await lineage(store, prepared)
    before = await graph_counts(store)
    again = await write(store, build_plan(root, "p:1").plan, batch_size=100)
    assert sum(again.created.values()) == 0 and await graph_counts(store) == before
    # a retrained model: one new dataset version, used, derived from the train stage, and
    # NEW_VERSION_OF the previous model; reading either lock again adds nothing
    dvc_project(root, model_md5="deadbeefdeadbeefdeadbeefdeadbeef")
    await ingest(store, root)
    assert await graph_counts(store) == (7, 12)
    retrained = derived_id("dvc", "p:1", "model.pkl", "deadbeefdeadbeefdeadbeefdeadbeef")
    versions = await store.read("artifact_versions", {"ids": [retrained]})
    assert {v["version"] for v in versions[0]["versions"]} == {"c0ffee00c0ffee00c0ffee00c0ffee00", "deadbeefdeadbeefdeadbeefdeadbeef"}
    await ingest(store, root)
    dvc_project(root)
    await ingest(store, root)
    assert await graph_counts(store) == (7, 12)


async def ingest(store: GraphStore, root: Path) -> None:
    summary = build_plan(root, "p:1")
    await link_versions(store, summary, "p:1")
    await write(store, summary.plan, batch_size=100)


def test_not_a_dvc_project(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such directory"):
        build_plan(tmp_path / "nope", "p:1")
    (tmp_path / "plain").mkdir()
    with pytest.raises(InvalidInput, match="not a DVC project"):
        build_plan(tmp_path / "plain", "p:1")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "dvc.yaml").write_text("stages: [unclosed")
    with pytest.raises(InvalidInput, match="not valid YAML"):
        build_plan(tmp_path / "bad", "p:1")


FEATURE_STORE = """\
project: churn_features
registry: data/registry.db
provider: local
online_store:
  type: sqlite
  path: data/online_store.db
offline_store:
  type: file
entity_key_serialization_version: 2
"""


async def test_a_feast_feature_store_beside_the_pipeline(store: GraphStore, tmp_path: Path) -> None:
    root = dvc_project(tmp_path / "proj")
    (root / "feature_repo").mkdir()
    (root / "feature_repo" / "feature_store.yaml").write_text(FEATURE_STORE)
    await load(store, [{"kind": "project", "id": "p:1", "name": "churn"}])
    summary = build_plan(root, "p:1")
    await write(store, summary.plan, batch_size=100)
    node = (await store.read("artifacts_by_id", {"ids": [summary.feature_store]}))[0]["node"]
    assert node["name"] == "feast:churn_features" and node["artifactType"] == "schema"
    assert '"onlineStore": "sqlite"' in node["metadata"]
    before = await graph_counts(store)
    again = await write(store, build_plan(root, "p:1").plan, batch_size=100)
    assert sum(again.created.values()) == 0 and await graph_counts(store) == before


async def test_a_fork_of_an_imported_pipeline_shares_its_artifact_versions(store: GraphStore, tmp_path: Path) -> None:
    """Same name and version is the same artifact: a second project's import of a fork (same
    directory name, commands and data) adds that project's edges instead of failing as a conflict."""
    await load(store, [{"kind": "project", "id": "p:1", "name": "churn"},
                       {"kind": "project", "id": "p:2", "name": "churn, forked"}])
    await ingest(store, dvc_project(tmp_path / "upstream" / "proj"))
    model = derived_id("dvc", "p:1", "model.pkl", "c0ffee00c0ffee00c0ffee00c0ffee00")
    before = (await store.read("artifacts_by_id", {"ids": [model]}))[0]["node"]
    fork = dvc_project(tmp_path / "fork" / "proj")
    (fork / "feature_repo").mkdir()
    (fork / "feature_repo" / "feature_store.yaml").write_text(FEATURE_STORE)
    for _ in range(2):  # and a second run adds nothing
        summary = build_plan(fork, "p:2")
        await link_versions(store, summary, "p:2")
        await write(store, summary.plan, batch_size=100)
    # 2 projects, 2 stages, 3 datasets, 1 feature store (no second copy of anything);
    # p:1's 9 edges + p:2 USED the 5 shared artifacts and its feature store
    assert await graph_counts(store) == (8, 15)
    assert (await store.read("artifacts_by_id", {"ids": [model]}))[0]["node"] == before
    assert derived_id("dvc", "p:1", "stage", "train") in await lineage(store, model)  # one lineage, shared


async def test_two_projects_with_the_same_feature_store_name_share_it(store: GraphStore, tmp_path: Path) -> None:
    await load(store, [{"kind": "project", "id": "p:1", "name": "churn"}, {"kind": "project", "id": "p:2", "name": "ltv"}])
    for project in ("p:1", "p:2"):
        root = tmp_path / project.replace(":", "")
        (root / "feature_repo").mkdir(parents=True)
        (root / "feature_repo" / "feature_store.yaml").write_text(FEATURE_STORE)
        (root / "dvc.yaml").write_text("stages: {}\n")
        await write(store, build_plan(root, project).plan, batch_size=100)
    assert await graph_counts(store) == (3, 2)  # two projects, one feature store, used by both
