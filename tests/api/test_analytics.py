"""What a team lead asks: team sizes, artifacts by usage and impact, people, figures per group.

Every figure the API answers is computed again from the imported records in plain Python.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

import pytest

from maestro_graph.service.stats import team_bucket
from tests.api.conftest import Api, gql, gql_error, ids, load

CLASSES = ["classification", "nlp", "vision"]
STATUSES = ["planned", "active", "completed", "cancelled"]


def org() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for i in range(24):
        p: dict[str, Any] = {"kind": "project", "id": f"p:{i:02d}", "name": f"project {i:02d}",
                             "problemClass": CLASSES[i % 3], "status": STATUSES[i % 4], "startedAt": 1_700_000_000_000 + i}
        if i % 4 in (2, 3):
            outcome: dict[str, Any] = {"success": i % 5 != 0}
            if i % 3:
                outcome["durationDays"] = 10 + i * 3
            if i % 2 == 0 or i % 7 == 0:
                outcome["costUsd"] = 1000.0 * (i % 6 + 1)
            p["outcome"] = outcome
        records.append(p)
    roles = ["ml_engineer", "data_scientist", "lead"]
    records += [{"kind": "person", "id": f"u:{k}", "name": f"{'ABCDEFGH'[k]}-person", "role": roles[k % 3],
                 "skills": ["python", "spark"] if k % 2 else ["python"]} for k in range(8)]
    records += [{"kind": "membership", "person": f"u:{k}", "project": f"p:{i:02d}"}
                for i in range(24) for k in range((i * 5) % 13 % 8)]
    records += [{"kind": "artifact", "id": f"a:{j}", "name": f"artifact {j}", "artifactType": "library"} for j in range(5)]
    records += [{"kind": "usage", "project": f"p:{i:02d}", "artifact": f"a:{j}", "context": "training",
                 **({"score": round(0.1 * ((i + j) % 9), 1)} if (i + j) % 3 else {})}
                for j in range(5) for i in range(0, 24, j + 2)]
    return records


RECORDS = org()
PROJECTS = [r for r in RECORDS if r["kind"] == "project"]
TEAM = defaultdict(int, {})
for r in RECORDS:
    if r["kind"] == "membership":
        TEAM[r["project"]] += 1


@pytest.fixture
async def lead(api: Api) -> Api:
    await load(api.store, RECORDS)
    return api


async def test_team_size_is_a_field_a_filter_and_an_order(lead: Api) -> None:
    data = await gql(lead.client, """{ projects(first: 100, where: {teamSize: {gte: 3}},
        orderBy: {field: TEAM_SIZE, direction: DESC}) { edges { node { id teamSize } } } }""")
    expected = sorted((p["id"] for p in PROJECTS if TEAM[p["id"]] >= 3), key=lambda i: (-TEAM[i], i))
    assert ids(data["projects"]) == expected
    assert all(e["node"]["teamSize"] == TEAM[e["node"]["id"]] for e in data["projects"]["edges"])


async def test_artifacts_order_by_usage_count_and_impact_score(lead: Api) -> None:
    uses = [r for r in RECORDS if r["kind"] == "usage"]
    count = {f"a:{j}": sum(1 for u in uses if u["artifact"] == f"a:{j}") for j in range(5)}
    scores = {a: [u["score"] for u in uses if u["artifact"] == a and "score" in u] for a in count}
    impact = {a: statistics.fmean(s) if s else None for a, s in scores.items()}
    by_count = await gql(lead.client, "{ artifacts(orderBy: {field: USAGE_COUNT, direction: DESC}) { edges { node { id usageCount } } } }")
    assert ids(by_count["artifacts"]) == sorted(count, key=lambda a: (-count[a], a))
    by_impact = await gql(lead.client, "{ artifacts(orderBy: {field: IMPACT_SCORE, direction: ASC}) { edges { node { id impactScore } } } }")
    assert ids(by_impact["artifacts"]) == sorted(count, key=lambda a: (impact[a] is None, impact[a] or 0, a))
    for edge in by_impact["artifacts"]["edges"]:
        assert edge["node"]["impactScore"] == pytest.approx(impact[edge["node"]["id"]])
    filtered = await gql(lead.client, """{ artifacts(where: {OR: [{impactScore: {gt: 0.4}}, {usageCount: {lte: 5}}]})
        { edges { node { id } } } }""")
    assert ids(filtered["artifacts"]) == sorted(a for a in count if (impact[a] or 0) > 0.4 or count[a] <= 5)


async def test_persons_filter_by_role_and_skill_and_page(lead: Api) -> None:
    query = """query($after: String) { persons(first: 2, after: $after, orderBy: {field: NAME, direction: DESC},
        where: {skills: {has: "spark"}, NOT: {role: {eq: "lead"}}}) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id name role skills } } } }"""
    people = [r for r in RECORDS if r["kind"] == "person" and "spark" in r["skills"] and r["role"] != "lead"]
    seen, after = [], None
    while True:
        page = (await gql(lead.client, query, after=after))["persons"]
        assert page["totalCount"] == len(people)
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted((p["name"] for p in people), reverse=True)


def figures(projects: list[dict[str, Any]]) -> dict[str, Any]:
    outcomes = [p["outcome"] for p in projects if "outcome" in p]
    durations = [o["durationDays"] for o in outcomes if "durationDays" in o]
    costs = [o["costUsd"] for o in outcomes if "costUsd" in o]
    return {
        "count": len(projects), "withOutcome": len(outcomes),
        "successRate": sum(o["success"] for o in outcomes) / len(outcomes) if outcomes else None,
        "medianDurationDays": statistics.median(durations) if durations else None,
        "medianCostUsd": statistics.median(costs) if costs else None,
    }


STATS = """query($groupBy: ProjectGroupBy!, $where: ProjectWhere, $artifactId: ID) {
  projectStats(groupBy: $groupBy, where: $where, artifactId: $artifactId) {
    key count withOutcome successRate medianDurationDays medianCostUsd } }"""


@pytest.mark.parametrize("group_by", ["PROBLEM_CLASS", "STATUS", "TEAM_SIZE", "ARTIFACT_USE"])
async def test_project_stats_equal_the_figures_computed_in_python(lead: Api, group_by: str) -> None:
    used = {r["project"] for r in RECORDS if r["kind"] == "usage" and r["artifact"] == "a:1"}
    key = {
        "PROBLEM_CLASS": lambda p: p["problemClass"], "STATUS": lambda p: p["status"],
        "TEAM_SIZE": lambda p: team_bucket(TEAM[p["id"]]),
        "ARTIFACT_USE": lambda p: "used" if p["id"] in used else "not_used",
    }[group_by]
    where = {"NOT": {"id": {"eq": "p:02"}}}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in PROJECTS:
        if p["id"] != "p:02":
            groups[key(p)].append(p)
    data = await gql(lead.client, STATS, groupBy=group_by, where=where, artifactId="a:1")
    answered = {g.pop("key"): g for g in data["projectStats"]}
    assert set(answered) == set(groups)
    for name, members in groups.items():
        expected = figures(members)
        for field, value in expected.items():
            assert answered[name][field] == pytest.approx(value), (name, field)


async def test_grouping_by_artifact_use_needs_an_artifact(lead: Api) -> None:
    error = await gql_error(lead.client, STATS, groupBy="ARTIFACT_USE")
    assert error["code"] == "INVALID_INPUT" and error["field"] == "artifactId"


async def test_every_epoch_field_has_an_iso_sibling(lead: Api) -> None:
    await gql(lead.client, 'mutation { recordMetric(projectId: "p:00", type: "commits_per_week", value: 3, at: 1732406400000) { __typename } }')
    data = await gql(lead.client, """{ project(id: "p:00") { startedAt startedAtIso completedAtIso
        metrics { edges { node { at atIso } } } team { edges { since sinceIso } } } }""")
    project = data["project"]
    assert project["startedAtIso"] == datetime.fromtimestamp(project["startedAt"] / 1000, timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")
    assert project["startedAtIso"] == "2023-11-14T22:13:20.000Z"
    assert project["completedAtIso"] is None
    assert project["metrics"]["edges"][0]["node"]["atIso"] == "2024-11-24T00:00:00.000Z"


async def test_ordering_by_impact_uses_the_trained_impact_like_the_field(lead: Api) -> None:
    """Once `maestro train` stored a computed impact, lists order and filter by the same number the
    `impactScore` field shows (the trained one, else the mean recorded usage impact)."""
    trained = {"a:0": -0.2, "a:3": 0.9}
    await lead.store.write("set_artifact_impacts", {"rows": [
        {"id": a, "score": s, "low": s - 0.1, "high": s + 0.1, "n": 10} for a, s in trained.items()]})
    page = await gql(lead.client, "{ artifacts(orderBy: {field: IMPACT_SCORE, direction: DESC}) "
                                  "{ edges { node { id impactScore } } } }")
    shown = [(e["node"]["id"], e["node"]["impactScore"]) for e in page["artifacts"]["edges"]]
    assert dict(shown)["a:0"] == pytest.approx(-0.2) and dict(shown)["a:3"] == pytest.approx(0.9)
    known = [score for _, score in shown if score is not None]
    assert known == sorted(known, reverse=True)
    high = await gql(lead.client, "{ artifacts(where: {impactScore: {gt: 0.8}}) { edges { node { id } } } }")
    assert "a:3" in ids(high["artifacts"]) and "a:0" not in ids(high["artifacts"])
