"""The graph read for learning: everything a model needs, through named statements."""

from __future__ import annotations

from gnn.data.snapshot import Snapshot, read_snapshot
from maestro_graph.demo.generate import generate
from tests.learn.conftest import SMALL


async def test_snapshot_reads_projects_usage_team_and_early_metrics(snapshot: Snapshot) -> None:
    records = generate(7, **SMALL)
    projects = {r["id"]: r for r in records if r["kind"] == "project"}
    team = {}
    for r in records:
        if r["kind"] == "membership":
            team[r["project"]] = team.get(r["project"], 0) + 1
    assert len(snapshot.projects) == len(projects)
    assert {p.id: p.team_size for p in snapshot.projects} == {pid: team.get(pid, 0) for pid in projects}
    usages = {(r["project"], r["artifact"]) for r in records if r["kind"] == "usage"}
    assert set(snapshot.usages) == usages
    finished = [p for p in snapshot.projects if p.status == "completed"]
    assert finished and all(p.success is not None and p.duration_days for p in finished)
    # Early metrics: the first four weeks only, so the churn mean is there for every started project.
    with_metrics = {r["project"] for r in records if r["kind"] == "metric"}
    assert {pid for pid, m in snapshot.metrics.items() if "churn_rate" in m} == with_metrics


async def test_empty_graph_gives_an_empty_snapshot(store) -> None:
    snap = await read_snapshot(store)
    assert snap.projects == [] and snap.usages == []
