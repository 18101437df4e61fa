"""CI runs from GitHub Actions, Jenkins and GitLab JSON (their real shapes) become pipeline metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.ci import read_runs, write_runs
from maestro_graph.store.port import GraphStore
from tests.api.conftest import graph_counts, load
from tests.ingest.test_git import series


def gha_run(run_id: int, attempt: int, conclusion: str | None, started: str, updated: str, status: str = "completed") -> dict:
    """A workflow run as GET /repos/{owner}/{repo}/actions/runs returns it (fields trimmed)."""
    return {
        "id": run_id, "name": "CI", "node_id": "WFR_kwLOA", "head_branch": "main",
        "head_sha": "acb5820ced9479c074f688cc328bf03f341a511d", "path": ".github/workflows/ci.yml",
        "run_number": run_id % 1000, "event": "push", "status": status, "conclusion": conclusion,
        "workflow_id": 159038, "url": f"https://api.github.com/repos/octo-org/octo-repo/actions/runs/{run_id}",
        "created_at": started, "updated_at": updated, "run_attempt": attempt, "run_started_at": started,
        "repository": {"id": 1296269, "full_name": "octo-org/octo-repo"},
    }


def gha_file(tmp_path: Path, runs: list[dict], name: str = "runs.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"total_count": len(runs), "workflow_runs": runs}))
    return path


async def ingest(store: GraphStore, system: str, path: Path) -> int:
    return await write_runs(store, "p:1", read_runs(system, path), system, batch_size=100)


@pytest.fixture
async def project(store: GraphStore) -> GraphStore:
    await load(store, [{"kind": "project", "id": "p:1", "name": "ci", "repository": "octo-org/octo-repo"}])
    return store


async def test_github_actions_runs_durations_success_and_skipped_conclusions(project: GraphStore, tmp_path: Path) -> None:
    path = gha_file(tmp_path, [
        gha_run(11, 1, "success", "2024-02-01T10:00:00Z", "2024-02-01T10:05:30Z"),
        gha_run(12, 1, "failure", "2024-02-02T10:00:00Z", "2024-02-02T10:01:00Z"),
        gha_run(13, 1, "cancelled", "2024-02-03T10:00:00Z", "2024-02-03T10:01:00Z"),
        gha_run(14, 1, None, "2024-02-04T10:00:00Z", "2024-02-04T10:01:00Z", status="in_progress"),
    ])
    assert await ingest(project, "github-actions", path) == 4
    assert [v for _, v in await series(project, "p:1", "pipeline_duration_s")] == [330.0, 60.0]
    assert [v for _, v in await series(project, "p:1", "pipeline_success")] == [1.0, 0.0]
    before = await graph_counts(project)
    assert await ingest(project, "github-actions", path) == 0
    assert await graph_counts(project) == before


async def test_a_later_attempt_replaces_the_earlier_one_and_never_the_reverse(project: GraphStore, tmp_path: Path) -> None:
    first = gha_file(tmp_path, [gha_run(21, 1, "failure", "2024-02-01T10:00:00Z", "2024-02-01T10:02:00Z")], "a1.json")
    second = gha_file(tmp_path, [gha_run(21, 2, "success", "2024-02-01T11:00:00Z", "2024-02-01T11:03:00Z")], "a2.json")
    await ingest(project, "github-actions", first)
    assert await ingest(project, "github-actions", second) == 0
    assert await series(project, "p:1", "pipeline_success") == [(1706785200000, 1.0)]
    await ingest(project, "github-actions", first)  # an old export read again
    assert await series(project, "p:1", "pipeline_duration_s") == [(1706785200000, 180.0)]


async def test_jenkins_builds(project: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "jenkins.json"
    path.write_text(json.dumps({"_class": "hudson.model.FreeStyleProject", "builds": [
        {"_class": "hudson.model.FreeStyleBuild", "number": 3, "result": "SUCCESS", "timestamp": 1706781600000,
         "duration": 125000, "building": False, "url": "https://ci.example.com/job/app/3/"},
        {"_class": "hudson.model.FreeStyleBuild", "number": 4, "result": "FAILURE", "timestamp": 1706868000000,
         "duration": 42000, "building": False, "url": "https://ci.example.com/job/app/4/"},
        {"_class": "hudson.model.FreeStyleBuild", "number": 5, "result": "ABORTED", "timestamp": 1706954400000,
         "duration": 1000, "building": False, "url": "https://ci.example.com/job/app/5/"},
        {"_class": "hudson.model.FreeStyleBuild", "number": 6, "result": None, "timestamp": 1707040800000,
         "duration": 0, "building": True, "url": "https://ci.example.com/job/app/6/"},
    ]}))
    assert await ingest(project, "jenkins", path) == 4
    assert await series(project, "p:1", "pipeline_duration_s") == [(1706781600000, 125.0), (1706868000000, 42.0)]
    assert await ingest(project, "jenkins", path) == 0


async def test_gitlab_pipelines_list_and_single_shapes(project: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "gitlab.json"
    path.write_text(json.dumps([
        {"id": 47, "iid": 12, "project_id": 1, "status": "success", "source": "push", "ref": "main",
         "sha": "a91957a858320c0e17f3a0eca7cfacbff50ea29a", "web_url": "https://gitlab.example.com/g/p/pipelines/47",
         "created_at": "2024-02-01T10:00:00.000Z", "updated_at": "2024-02-01T10:04:00.000Z"},
        {"id": 48, "iid": 13, "project_id": 1, "status": "failed", "source": "push", "ref": "main",
         "sha": "eb94b618fb5865b26e80fdd8ae531b7a63ad851a", "web_url": "https://gitlab.example.com/g/p/pipelines/48",
         "created_at": "2024-02-02T10:00:00.000Z", "updated_at": "2024-02-02T11:00:00.000Z",
         "started_at": "2024-02-02T10:00:10.000Z", "finished_at": "2024-02-02T10:02:10.000Z", "duration": 120},
        {"id": 49, "iid": 14, "project_id": 1, "status": "canceled", "source": "push", "ref": "main",
         "sha": "eb94b618fb5865b26e80fdd8ae531b7a63ad851a", "web_url": "https://gitlab.example.com/g/p/pipelines/49",
         "created_at": "2024-02-03T10:00:00.000Z", "updated_at": "2024-02-03T11:00:00.000Z"},
    ]))
    assert await ingest(project, "gitlab", path) == 4
    assert [v for _, v in await series(project, "p:1", "pipeline_duration_s")] == [240.0, 120.0]
    assert [v for _, v in await series(project, "p:1", "pipeline_success")] == [1.0, 0.0]


def test_unreadable_files_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        read_runs("jenkins", tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(InvalidInput, match="not JSON"):
        read_runs("gitlab", tmp_path / "bad.json")
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(InvalidInput, match="builds list"):
        read_runs("jenkins", tmp_path / "list.json")
