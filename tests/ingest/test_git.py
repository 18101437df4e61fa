"""`maestro ingest git`: weekly signals, authors and PR merge times from a real repository."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from maestro_graph.errors import InvalidInput, NotFound
from maestro_graph.ingest.git import build_plan
from maestro_graph.ingest.target import require_project, write
from maestro_graph.store.port import GraphStore
from tests.api.conftest import graph_counts, load
from tests.ingest.gitrepo import build_team_repo

ROOT = Path(__file__).resolve().parents[2]


def ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp() * 1000)


async def series(store: GraphStore, project: str, mtype: str) -> list[tuple[int, float]]:
    rows = await store.read("project_metrics", {"ids": [project], "type": mtype, "since": None, "skip": 0, "limit": 10_000})
    return [(r["node"]["at"], r["node"]["value"]) for r in rows[0]["page"]] if rows else []


async def ingest(store: GraphStore, path: Path, project: str = "p:1", since: str | None = None):
    await require_project(store, project)
    summary = build_plan(path, project, since)
    return summary, await write(store, summary.plan, batch_size=100)


async def test_weekly_signals_zero_weeks_mailmap_binary_and_renames(store: GraphStore, tmp_path: Path) -> None:
    repo = build_team_repo(tmp_path / "repo")
    await load(store, [{"kind": "project", "id": "p:1", "name": "team"}])
    summary, _ = await ingest(store, repo.path)
    weeks = [ms("2024-01-01"), ms("2024-01-08"), ms("2024-01-15")]
    assert await series(store, "p:1", "commits_per_week") == list(zip(weeks, [2.0, 0.0, 3.0]))
    assert await series(store, "p:1", "code_churn") == list(zip(weeks, [5.0, 0.0, 4.0]))
    assert await series(store, "p:1", "contributors") == list(zip(weeks, [2.0, 0.0, 2.0]))
    assert summary.commits == 6 and summary.merges == 1
    team = await store.read("project_team", {"ids": ["p:1"], "skip": 0, "limit": 10})
    members = {(r["node"]["id"], r["node"]["name"]) for r in team[0]["page"]} if team else set()
    assert members == {("git:alice@example.com", "Alice Smith"), ("git:bob@example.com", "Bob")}


async def test_pull_request_merge_hours_from_the_branch_first_commit(store: GraphStore, tmp_path: Path) -> None:
    repo = build_team_repo(tmp_path / "repo")
    await load(store, [{"kind": "project", "id": "p:1", "name": "team"}])
    await ingest(store, repo.path)
    assert await series(store, "p:1", "pr_merge_hours") == [(ms("2024-01-18T12:00:00"), 24.0)]


async def test_a_second_run_changes_nothing_and_since_recomputes_whole_weeks(store: GraphStore, tmp_path: Path) -> None:
    repo = build_team_repo(tmp_path / "repo")
    await load(store, [{"kind": "project", "id": "p:1", "name": "team"}])
    await ingest(store, repo.path)
    before = await graph_counts(store)
    _, again = await ingest(store, repo.path)
    assert sum(again.created.values()) == 0 and await graph_counts(store) == before
    # --since mid-week still counts the whole week: Wednesday 17th -> from Monday 15th
    _, partial = await ingest(store, repo.path, since="2024-01-17")
    assert sum(partial.created.values()) == 0
    assert (await series(store, "p:1", "commits_per_week"))[-1] == (ms("2024-01-15"), 3.0)


async def test_this_projects_own_history_matches_git(store: GraphStore) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    await load(store, [{"kind": "project", "id": "p:self", "name": "maestro"}])
    summary, _ = await ingest(store, ROOT, "p:self")
    non_merges = int(subprocess.run(["git", "-C", str(ROOT), "rev-list", "--count", "--no-merges", "HEAD"],
                                    capture_output=True, text=True, check=True).stdout)
    emails = set(subprocess.run(["git", "-C", str(ROOT), "log", "--no-merges", "--use-mailmap", "--format=%aE"],
                                capture_output=True, text=True, check=True).stdout.lower().split())
    assert sum(v for _, v in await series(store, "p:self", "commits_per_week")) == non_merges
    assert summary.authors == len(emails)


async def test_missing_path_non_repository_and_unknown_project(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such directory"):
        build_plan(tmp_path / "nope", "p:1")
    (tmp_path / "plain").mkdir()
    with pytest.raises(InvalidInput, match="not a git repository"):
        build_plan(tmp_path / "plain", "p:1")
    with pytest.raises(NotFound, match="no project p:404"):
        await require_project(store, "p:404")


async def test_an_empty_repository_reads_as_no_commits(store: GraphStore, tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path / "empty")], check=True)
    summary = build_plan(tmp_path / "empty", "p:1")
    assert summary.commits == 0 and summary.plan.count() == 0
