"""Finding projects: by id, with `where` filters (scalar, relation, AND/OR/NOT), ordered, paged.

Each test arranges a small organisation through the JSONL importer and compares what the API
answers with the same question asked of the records in plain Python.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, gql_error, ids, load, post

CLASSES = ["classification", "regression", "nlp", "vision", "timeseries"]
STATUSES = ["planned", "active", "completed", "cancelled"]
WORDS = ["fraud-detection", "churn-model", "Card-Fraud-scoring", "demand-forecast", "ticket-router"]
PROJECTS_QUERY = """
query($where: ProjectWhere, $orderBy: ProjectOrder, $first: Int, $after: String) {
  projects(where: $where, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name complexityScore } }
  }
}"""


def organisation() -> list[dict[str, Any]]:
    """30 projects with varied fields, 4 people, an artifact in two versions, and who used what."""
    projects = []
    for i in range(30):
        status = STATUSES[i % 4]
        project: dict[str, Any] = {
            "kind": "project", "id": f"p:{i:02d}", "name": f"{WORDS[i % 5]}-{i:02d}",
            "description": f"Project number {i}", "problemClass": CLASSES[i % 5],
            "complexityScore": 1 + (i * 7) % 10, "status": status, "tags": ["fraud"] if i % 3 == 0 else ["ops"],
        }
        if status in ("completed", "cancelled"):
            project["outcome"] = {"success": i % 8 == 2, "successScore": round(0.1 + (i % 9) / 10, 2)}
        projects.append(project)
    people = [{"kind": "person", "id": f"u:{k}", "name": name} for k, name in enumerate(["Ada", "Grace", "Linus", "Barbara"])]
    artifacts = [
        {"kind": "artifact", "id": "a:tx1", "name": "feature-pipeline-transactions", "artifactType": "feature_pipeline", "version": "1.0.0"},
        {"kind": "artifact", "id": "a:tx2", "name": "feature-pipeline-transactions", "artifactType": "feature_pipeline", "version": "2.0.0"},
        {"kind": "artifact", "id": "a:enc", "name": "text-encoder", "artifactType": "model_template"},
    ]
    members = [{"kind": "membership", "person": f"u:{i % 4}", "project": f"p:{i:02d}", "role": "lead"} for i in range(0, 30, 2)]
    usages = ([{"kind": "usage", "project": f"p:{i:02d}", "artifact": "a:tx1", "context": "training"} for i in range(0, 30, 5)]
              + [{"kind": "usage", "project": f"p:{i:02d}", "artifact": "a:tx2", "context": "training"} for i in range(1, 30, 7)]
              + [{"kind": "usage", "project": f"p:{i:02d}", "artifact": "a:enc", "context": "serving"} for i in range(2, 30, 4)])
    return projects + people + artifacts + members + usages


RECORDS = organisation()
PROJECTS = [r for r in RECORDS if r["kind"] == "project"]


def expected(keep: Callable[[dict[str, Any]], bool]) -> set[str]:
    return {p["id"] for p in PROJECTS if keep(p)}


def used(artifact_ids: set[str]) -> set[str]:
    return {r["project"] for r in RECORDS if r["kind"] == "usage" and r["artifact"] in artifact_ids}


def members_of(person: str) -> set[str]:
    return {r["project"] for r in RECORDS if r["kind"] == "membership" and r["person"] == person}


@pytest.fixture
async def org(api: Api, store: GraphStore) -> Api:
    await load(store, RECORDS)
    return api


async def matching(api: Api, where: dict[str, Any]) -> set[str]:
    page = (await gql(api.client, PROJECTS_QUERY, where=where, first=100))["projects"]
    found = ids(page)
    assert page["totalCount"] == len(found) and len(set(found)) == len(found)
    return set(found)


async def test_project_by_id_shows_its_outcome_and_the_metadata_it_was_imported_with(api: Api, store: GraphStore) -> None:
    await load(store, [
        {"kind": "project", "id": "p:fraud", "name": "fraud-detection-v2", "problemClass": "classification",
         "complexityScore": 7, "status": "completed", "tags": ["fraud", "Payments"], "team": "alpha",
         "budget": {"code": "X-1", "usd": 12000},
         "outcome": {"success": True, "successScore": 0.82, "durationDays": 41, "costUsd": 12000}},
        {"kind": "project", "id": "p:new", "name": "just-started"},
    ])
    query = """query($id: ID!) { project(id: $id) { id name problemClass complexityScore status tags metadata
                 outcome { success successScore modelPerformance durationDays costUsd } } }"""
    fraud = (await gql(api.client, query, id="p:fraud"))["project"]
    assert fraud == {
        "id": "p:fraud", "name": "fraud-detection-v2", "problemClass": "CLASSIFICATION", "complexityScore": 7,
        "status": "COMPLETED", "tags": ["fraud", "payments"], "metadata": {"team": "alpha", "budget": {"code": "X-1", "usd": 12000}},
        "outcome": {"success": True, "successScore": 0.82, "modelPerformance": None, "durationDays": 41, "costUsd": 12000},
    }
    fresh = (await gql(api.client, query, id="p:new"))["project"]
    assert (fresh["status"], fresh["problemClass"], fresh["outcome"], fresh["metadata"]) == ("PLANNED", "OTHER", None, None)
    assert (await gql(api.client, query, id="p:nobody"))["project"] is None


async def test_eq_and_in_select_exactly_the_matching_projects(org: Api) -> None:
    assert await matching(org, {"problemClass": {"eq": "NLP"}}) == expected(lambda p: p["problemClass"] == "nlp")
    assert await matching(org, {"name": {"eq": "churn-model-06"}}) == {"p:06"}
    assert await matching(org, {"status": {"in": ["ACTIVE", "CANCELLED"]}}) == expected(
        lambda p: p["status"] in ("active", "cancelled"))
    assert await matching(org, {"complexityScore": {"in": [3, 8]}}) == expected(lambda p: p["complexityScore"] in (3, 8))
    assert await matching(org, {"success": {"eq": True}}) == expected(lambda p: p.get("outcome", {}).get("success") is True)
    assert await matching(org, {"tags": {"has": "fraud"}}) == expected(lambda p: "fraud" in p["tags"])


async def test_contains_ignores_case(org: Api) -> None:
    found = await matching(org, {"name": {"contains": "FRAUD"}})
    assert found == expected(lambda p: "fraud" in p["name"].lower())
    assert any("Fraud" in p["name"] for p in PROJECTS if p["id"] in found)  # "Card-Fraud-..." too
    assert any("fraud-" in p["name"] for p in PROJECTS if p["id"] in found)
    assert await matching(org, {"description": {"contains": "number 1"}}) == expected(lambda p: "number 1" in p["description"])


@pytest.mark.parametrize(("op", "keep"), [
    ("gt", lambda v: v > 5), ("gte", lambda v: v >= 5), ("lt", lambda v: v < 5), ("lte", lambda v: v <= 5),
])
async def test_comparisons_on_numbers(org: Api, op: str, keep: Callable[[int], bool]) -> None:
    found = await matching(org, {"complexityScore": {op: 5}})
    assert found == expected(lambda p: keep(p["complexityScore"]))
    assert 0 < len(found) < len(PROJECTS)


async def test_a_range_is_two_comparisons_on_one_field(org: Api) -> None:
    found = await matching(org, {"successScore": {"gte": 0.3, "lt": 0.7}})
    assert found == expected(lambda p: "outcome" in p and 0.3 <= p["outcome"]["successScore"] < 0.7)
    assert found


async def test_or_filter_returns_union(org: Api) -> None:
    nlp = await matching(org, {"problemClass": {"eq": "NLP"}})
    complex_ = await matching(org, {"complexityScore": {"gte": 8}})
    either = await matching(org, {"OR": [{"problemClass": {"eq": "NLP"}}, {"complexityScore": {"gte": 8}}]})
    assert either == nlp | complex_
    assert len(either) > max(len(nlp), len(complex_))


async def test_not_filter_returns_the_complement(org: Api) -> None:
    everyone = expected(lambda p: True)
    succeeded = await matching(org, {"success": {"eq": True}})
    failed_or_unknown = await matching(org, {"NOT": {"success": {"eq": True}}})
    assert failed_or_unknown == everyone - succeeded
    assert succeeded and failed_or_unknown
    either = {"OR": [{"problemClass": {"eq": "NLP"}}, {"complexityScore": {"gte": 8}}]}
    assert await matching(org, {"NOT": either}) == everyone - await matching(org, either)


async def test_and_nests_or_and_not(org: Api) -> None:
    where = {"AND": [
        {"OR": [{"status": {"eq": "COMPLETED"}}, {"status": {"eq": "CANCELLED"}}]},
        {"NOT": {"problemClass": {"in": ["NLP", "VISION"]}}},
        {"AND": [{"complexityScore": {"gt": 2}}, {"tags": {"has": "ops"}}]},
    ]}
    found = await matching(org, where)
    assert found == expected(lambda p: p["status"] in ("completed", "cancelled")
                             and p["problemClass"] not in ("nlp", "vision")
                             and p["complexityScore"] > 2 and "ops" in p["tags"])
    assert found
    # fields beside AND/OR/NOT in the same object also have to hold
    narrower = await matching(org, {**where, "name": {"contains": "churn"}})
    assert narrower == {i for i in found if "churn" in next(p["name"] for p in PROJECTS if p["id"] == i)}


async def test_uses_artifact_by_id_is_that_version_and_by_name_any_version(org: Api) -> None:
    assert await matching(org, {"usesArtifact": {"id": "a:tx2"}}) == used({"a:tx2"})
    by_name = await matching(org, {"usesArtifact": {"name": "feature-pipeline-transactions"}})
    assert by_name == used({"a:tx1", "a:tx2"})
    assert by_name > used({"a:tx1"})
    assert await matching(org, {"NOT": {"usesArtifact": {"name": "text-encoder"}}}) == expected(lambda p: True) - used({"a:enc"})
    assert await matching(org, {"usesArtifact": {"id": "a:missing"}}) == set()


async def test_has_member_by_id_and_by_name(org: Api) -> None:
    assert await matching(org, {"hasMember": {"id": "u:2"}}) == members_of("u:2")
    assert await matching(org, {"hasMember": {"name": "Grace"}}) == members_of("u:1")
    both = await matching(org, {"OR": [{"hasMember": {"name": "Ada"}}, {"usesArtifact": {"id": "a:enc"}}]})
    assert both == members_of("u:0") | used({"a:enc"})


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_order_by_a_field_in_both_directions_breaks_ties_by_id(org: Api, direction: str) -> None:
    page = (await gql(org.client, PROJECTS_QUERY, orderBy={"field": "COMPLEXITY_SCORE", "direction": direction}, first=100))["projects"]
    sign = -1 if direction == "DESC" else 1
    assert ids(page) == [p["id"] for p in sorted(PROJECTS, key=lambda p: (sign * p["complexityScore"], p["id"]))]


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_projects_without_the_sort_value_come_last_in_either_direction(org: Api, direction: str) -> None:
    page = (await gql(org.client, PROJECTS_QUERY, orderBy={"field": "SUCCESS_SCORE", "direction": direction}, first=100))["projects"]
    scored = [p for p in PROJECTS if (p.get("outcome") or {}).get("successScore") is not None]
    unscored = [p for p in PROJECTS if p not in scored]
    assert scored and unscored, "the fixture needs both kinds"
    sign = -1 if direction == "DESC" else 1
    expected = [p["id"] for p in sorted(scored, key=lambda p: (sign * p["outcome"]["successScore"], p["id"]))]
    expected += sorted(p["id"] for p in unscored)
    assert ids(page) == expected


async def test_order_by_name_is_the_default(org: Api) -> None:
    page = (await gql(org.client, PROJECTS_QUERY, first=100))["projects"]
    assert [e["node"]["name"] for e in page["edges"]] == sorted(p["name"] for p in PROJECTS)
    desc = (await gql(org.client, PROJECTS_QUERY, orderBy={"direction": "DESC"}, first=100))["projects"]
    assert [e["node"]["name"] for e in desc["edges"]] == sorted((p["name"] for p in PROJECTS), reverse=True)


async def test_first_defaults_to_20_and_is_capped_at_100(org: Api) -> None:
    page = (await gql(org.client, PROJECTS_QUERY))["projects"]
    assert len(page["edges"]) == 20 and page["totalCount"] == len(PROJECTS)
    assert page["pageInfo"]["hasNextPage"] is True
    error = await gql_error(org.client, PROJECTS_QUERY, first=101)
    assert (error["code"], error["field"]) == ("INVALID_INPUT", "first")
    assert len((await gql(org.client, PROJECTS_QUERY, first=100))["projects"]["edges"]) == len(PROJECTS)


@pytest.mark.parametrize("after", ["garbage!!", "bm90LWEtY3Vyc29y", base64.urlsafe_b64encode(b"maestro:-3").decode(), ""])
async def test_a_cursor_the_api_never_returned_is_invalid_input(org: Api, after: str) -> None:
    if after == "":  # an empty cursor means "from the start", like none
        page = (await gql(org.client, PROJECTS_QUERY, first=3, after=after))["projects"]
        assert page["pageInfo"]["hasPreviousPage"] is False and len(page["edges"]) == 3
        return
    error = await gql_error(org.client, PROJECTS_QUERY, first=3, after=after)
    assert (error["code"], error["field"]) == ("INVALID_INPUT", "after")


@pytest.mark.parametrize("order", [None, {"field": "COMPLEXITY_SCORE", "direction": "DESC"}, {"field": "STATUS"},
                                   {"field": "SUCCESS_SCORE", "direction": "DESC"}])
async def test_walking_every_page_returns_each_project_exactly_once(org: Api, order: dict[str, str] | None) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await gql(org.client, PROJECTS_QUERY, orderBy=order, first=7, after=after))["projects"]
        info, edges = page["pageInfo"], page["edges"]
        assert page["totalCount"] == len(PROJECTS)
        assert info["hasPreviousPage"] is (pages > 0)
        assert info["startCursor"] == edges[0]["cursor"] and info["endCursor"] == edges[-1]["cursor"]
        seen += ids(page)
        pages += 1
        assert info["hasNextPage"] is (len(seen) < page["totalCount"])
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert pages == -(-len(PROJECTS) // 7)
    assert len(seen) == len(set(seen)) == len(PROJECTS)
    assert set(seen) == expected(lambda p: True)


async def test_a_page_past_the_end_is_empty(org: Api) -> None:
    last = (await gql(org.client, PROJECTS_QUERY, first=100))["projects"]["pageInfo"]["endCursor"]
    page = (await gql(org.client, PROJECTS_QUERY, first=5, after=last))["projects"]
    assert page["edges"] == [] and page["totalCount"] == len(PROJECTS)
    assert page["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True, "startCursor": None, "endCursor": None}


async def test_a_forged_cursor_beyond_any_page_returns_nothing(org: Api) -> None:
    forged = base64.urlsafe_b64encode(f"maestro:{2**53}".encode()).decode()
    body = await post(org.client, PROJECTS_QUERY, {"first": 5, "after": forged})
    if body.get("errors"):  # rejecting it is as good as an empty page
        assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": "after"}
    else:
        assert body["data"]["projects"]["edges"] == []


async def test_the_tag_filter_matches_tags_the_way_they_were_written(org: Api) -> None:
    assert await matching(org, {"tags": {"has": "Fraud"}}) == expected(lambda p: "fraud" in p["tags"])


async def test_a_wide_not_over_or_of_ands_is_answered_exactly(org: Api) -> None:
    """Nine ANDs of three conditions under NOT: 3^9 clauses in normal form, 40 instructions here."""
    groups = [(lo, lo + 2) for lo in range(1, 10)]
    where = {"NOT": {"OR": [
        {"AND": [{"complexityScore": {"gte": lo}}, {"complexityScore": {"lte": hi}}, {"tags": {"has": "fraud"}}]}
        for lo, hi in groups
    ]}}
    found = await matching(org, where)
    assert found == expected(lambda p: not any(
        lo <= p["complexityScore"] <= hi and "fraud" in p["tags"] for lo, hi in groups))


async def test_empty_and_or_not_follow_logic(org: Api) -> None:
    everyone = expected(lambda p: True)
    assert await matching(org, {"AND": []}) == everyone
    assert await matching(org, {"OR": []}) == set()
    assert await matching(org, {"NOT": {"OR": []}}) == everyone
    assert await matching(org, {"NOT": {}}) == set()


async def test_indexed_conditions_combine_with_the_rest_of_the_filter(org: Api) -> None:
    """Top-level status/problemClass/id conditions narrow the scan first; answers must not change."""
    where = {"status": {"in": ["COMPLETED", "ACTIVE"]}, "complexityScore": {"gte": 5},
             "OR": [{"tags": {"has": "fraud"}}, {"status": {"eq": "ACTIVE"}}]}
    assert await matching(org, where) == expected(lambda p: p["status"] in ("completed", "active")
                                                  and p["complexityScore"] >= 5
                                                  and ("fraud" in p["tags"] or p["status"] == "active"))
    assert await matching(org, {"status": {"in": []}}) == set()
    some = sorted(expected(lambda p: True))[:3]
    assert await matching(org, {"id": {"in": some}, "NOT": {"id": {"eq": some[0]}}}) == set(some[1:])
