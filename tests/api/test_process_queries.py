"""metricsSummary, velocity and dora over signals that the importers (or recordMetric) wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from maestro_graph.ingest.git import build_plan
from maestro_graph.ingest.target import write
from tests.api.conftest import Api, gql, gql_error, load
from tests.ingest.gitrepo import build_team_repo

H = 3_600_000
D = 24 * H
B = 1709510400000  # Monday 2024-03-04 00:00 UTC

VELOCITY = """query($id: ID!, $days: Int!) { velocity(projectId: $id, windowDays: $days) {
  windowEnd commitsPerWeek { points mean latest trendPerWeek } codeChurn { mean } contributors { latest }
  ciSuccessRate { mean } ciDurationS { mean } } }"""
DORA = """query($id: ID!, $days: Int!) { dora(projectId: $id, windowDays: $days) {
  deploymentDaysPerWeek { value reason samples } leadTimeHours { value reason samples }
  changeFailureRate { value reason } timeToRestoreHours { value reason } } }"""


def metric(mtype: str, at: int, value: float = 1.0) -> dict:
    return {"kind": "metric", "project": "p:1", "type": mtype, "at": at, "value": value}


async def test_velocity_from_an_ingested_repository(api: Api, tmp_path: Path) -> None:
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "team"}])
    summary = build_plan(build_team_repo(tmp_path / "repo").path, "p:1")
    await write(api.store, summary.plan, batch_size=100)
    v = (await gql(api.client, VELOCITY, id="p:1", days=90))["velocity"]
    # weeks of Jan 1, 8, 15 2024: 2, 0, 3 commits -> mean 5/3, slope +0.5 per week
    assert v["commitsPerWeek"]["points"] == 3 and v["commitsPerWeek"]["latest"] == 3.0
    assert v["commitsPerWeek"]["mean"] == pytest.approx(5 / 3)
    assert v["commitsPerWeek"]["trendPerWeek"] == pytest.approx(0.5)
    assert v["codeChurn"]["mean"] == pytest.approx(3.0) and v["contributors"]["latest"] == 2.0
    assert v["ciSuccessRate"] is None and v["ciDurationS"] is None
    narrow = (await gql(api.client, VELOCITY, id="p:1", days=7))["velocity"]
    assert narrow["commitsPerWeek"]["points"] == 1


async def test_metrics_summary_has_one_row_per_type(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "ci"},
                           metric("pipeline_success", B, 1.0), metric("pipeline_success", B + D, 0.0),
                           metric("pipeline_success", B + 2 * D, 1.0), metric("experiments_run", B, 12.0)])
    rows = (await gql(api.client, 'query { metricsSummary(projectId: "p:1") { type points latest mean } }'))["metricsSummary"]
    assert rows == [{"type": "experiments_run", "points": 1, "latest": 12.0, "mean": 12.0},
                    {"type": "pipeline_success", "points": 3, "latest": 1.0, "mean": pytest.approx(2 / 3)}]


async def test_dora_by_devlake_definitions(api: Api) -> None:
    await load(api.store, [
        {"kind": "project", "id": "p:1", "name": "svc"},
        metric("deployment", B + 10 * H), metric("deployment", B + 15 * H),  # two on Monday: one day
        metric("deployment", B + 2 * D + 9 * H), metric("deployment", B + 7 * D + 9 * H),
        metric("pr_merge_hours", B + 9 * H, 5.0),  # deployed 1 h after merge -> 6 h
        metric("pr_merge_hours", B + 2 * D + 12 * H, 10.0),  # next deployment 117 h later -> 127 h
        metric("incident", B + 2 * D + 10 * H, 2.0),  # breaks Wednesday's deployment, restored in 2 h
    ])
    d = (await gql(api.client, DORA, id="p:1", days=14))["dora"]
    # ISO weeks touched: Feb 26 (0 days), Mar 4 (Mon, Wed: 2 days), Mar 11 (1 day) -> median 1
    assert d["deploymentDaysPerWeek"] == {"value": 1.0, "reason": None, "samples": 4}
    assert d["leadTimeHours"] == {"value": pytest.approx(66.5), "reason": None, "samples": 2}
    assert d["changeFailureRate"]["value"] == pytest.approx(0.25)
    assert d["timeToRestoreHours"]["value"] == 2.0


async def test_dora_figures_are_null_with_a_reason_when_data_is_missing(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "svc"}, metric("deployment", B)])
    d = (await gql(api.client, DORA, id="p:1", days=30))["dora"]
    assert d["deploymentDaysPerWeek"]["value"] is not None
    for key in ("leadTimeHours", "changeFailureRate", "timeToRestoreHours"):
        assert d[key]["value"] is None and d[key]["reason"]
    assert "pr_merge_hours" in d["leadTimeHours"]["reason"] and "incident" in d["changeFailureRate"]["reason"]


async def test_unknown_project_and_bad_window(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "svc"}])
    assert (await gql_error(api.client, DORA, id="p:404", days=30))["code"] == "NOT_FOUND"
    bad = await gql_error(api.client, VELOCITY, id="p:1", days=0)
    assert bad["code"] == "INVALID_INPUT" and bad["field"] == "windowDays"
