"""The query engine as a client meets it: hostile values, filter size, keyset cursors, vectors.

Data is arranged through the JSONL importer and mutations; every answer is compared with the
same question asked of the records in Python.
"""

from __future__ import annotations

from typing import Any

import pytest

from maestro_graph.store.port import GraphStore
from tests.api.conftest import ADMIN, Api, gql, gql_error, graph_counts, ids, load

PAGE = """
query($where: ProjectWhere, $orderBy: ProjectOrder, $first: Int, $after: String) {
  projects(where: $where, orderBy: $orderBy, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name complexityScore } }
  }
}"""
HOSTILE = ["o'brien", 'say "hi"', "back`tick`", "{brace} }) RETURN 1 //", "x' OR '1'='1",
           "MATCH (n) DETACH DELETE n", "$p0", "/*WHERE*/", "CASE WHEN true THEN 1 END"]


def projects(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"kind": "project", "id": f"p:{i:03d}", "name": f"project {i:03d}", "complexityScore": 1 + i % 10,
             "status": "active"} for i in range(start, start + n)]


@pytest.mark.parametrize("value", HOSTILE)
async def test_hostile_values_stay_values(api: Api, value: str) -> None:
    await load(api.store, projects(5) + [{"kind": "project", "id": "p:evil", "name": value, "status": "active"}])
    before = await graph_counts(api.store)
    for where in ({"name": {"eq": value}}, {"OR": [{"name": {"contains": value}}, {"id": {"eq": value}}]},
                  {"NOT": {"name": {"in": [value, "x"]}}, "tags": {"has": value}},
                  {"name": {"gt": value}, "status": {"eq": "ACTIVE"}}):
        data = await gql(api.client, PAGE, where=where, first=100)
        found = ids(data["projects"])
        assert all(i.startswith("p:") for i in found)
    exact = await gql(api.client, PAGE, where={"name": {"eq": value}})
    assert ids(exact["projects"]) == ["p:evil"]
    assert await graph_counts(api.store) == before  # nothing was written or deleted


async def test_a_nul_in_a_filter_value_is_invalid_input(api: Api) -> None:
    await load(api.store, projects(2))
    before = await graph_counts(api.store)
    error = await gql_error(api.client, PAGE, where={"OR": [{"id": {"eq": "p:000"}}, {"name": {"contains": "a\x00b"}}]})
    assert error["code"] == "INVALID_INPUT" and error["field"] == "where.OR[1].name.contains"  # the argument guard names the exact position
    assert await graph_counts(api.store) == before


async def test_a_filter_over_the_condition_cap_is_refused_before_any_store_call(api: Api) -> None:
    await load(api.store, projects(3))
    where = {"OR": [{"usesArtifact": {"id": f"a:{i}"}} for i in range(51)]}
    api.store.calls.clear()
    error = await gql_error(api.client, PAGE, where=where)
    assert error["code"] == "INVALID_INPUT" and error["field"] == "where"
    assert sum(api.store.calls.values()) == 0
    fifty = {"OR": [{"name": {"eq": f"project {i:03d}"}} for i in range(50)]}
    assert ids((await gql(api.client, PAGE, where=fifty))["projects"]) == ["p:000", "p:001", "p:002"]


async def walk(api: Api, between: Any = None, **variables: Any) -> list[str]:
    """Every id of a list, page by page; `between(page_number)` may change the graph meanwhile."""
    seen: list[str] = []
    after, number = None, 0
    while True:
        page = (await gql(api.client, PAGE, first=4, after=after, **variables))["projects"]
        seen += ids(page)
        if between:
            await between(number)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after, number = page["pageInfo"]["endCursor"], number + 1


async def test_inserts_and_deletes_between_pages_never_repeat_or_skip_an_item(api: Api) -> None:
    await load(api.store, projects(20))
    order = {"field": "COMPLEXITY_SCORE", "direction": "DESC"}

    async def churn(page_number: int) -> None:
        if page_number == 1:  # insert items before and after the cursor, delete a seen and an unseen one
            await load(api.store, [{"kind": "project", "id": "p:new-a", "name": "a", "complexityScore": 10},
                                   {"kind": "project", "id": "p:new-b", "name": "b", "complexityScore": 1},
                                   {"kind": "project", "id": "p:new-c", "name": "c"}])
            for gone in ("p:009", "p:011"):
                await gql(api.client, 'mutation($id: ID!) { deleteProject(id: $id) { __typename } }', id=gone, headers=ADMIN)

    seen = await walk(api, churn, orderBy=order)
    present_at_both = {f"p:{i:03d}" for i in range(20)} - {"p:009", "p:011"}
    assert len(seen) == len(set(seen)), "an item was repeated"
    assert present_at_both <= set(seen), "an item present before and after was skipped"
    expected = sorted(projects(20), key=lambda p: (-p["complexityScore"], p["id"]))
    assert [i for i in seen if i in present_at_both] == [p["id"] for p in expected if p["id"] in present_at_both]


async def test_walking_a_sort_key_with_missing_values_lists_them_last_once(api: Api) -> None:
    records = projects(9) + [{"kind": "project", "id": f"p:none-{i}", "name": f"none {i}"} for i in range(6)]
    await load(api.store, records)
    for direction in ("ASC", "DESC"):
        seen = await walk(api, orderBy={"field": "COMPLEXITY_SCORE", "direction": direction})
        scored = sorted((r for r in records if "complexityScore" in r),
                        key=lambda r: (r["complexityScore"] if direction == "ASC" else -r["complexityScore"], r["id"]))
        assert seen == [r["id"] for r in scored] + [f"p:none-{i}" for i in range(6)]


async def test_a_cursor_reused_with_another_filter_or_order_is_refused(api: Api) -> None:
    await load(api.store, projects(10))
    where = {"complexityScore": {"gt": 2}}
    cursor = (await gql(api.client, PAGE, where=where, first=2))["projects"]["pageInfo"]["endCursor"]
    assert ids((await gql(api.client, PAGE, where=where, first=2, after=cursor))["projects"]) == ["p:004", "p:005"]
    for changed in ({"where": {"complexityScore": {"gt": 3}}},
                    {"where": where, "orderBy": {"field": "NAME", "direction": "DESC"}}):
        error = await gql_error(api.client, PAGE, first=2, after=cursor, **changed)
        assert error["code"] == "INVALID_INPUT" and error["field"] == "after"


async def test_total_count_is_counted_only_when_selected(api: Api) -> None:
    await load(api.store, projects(7))
    api.store.calls.clear()
    await gql(api.client, PAGE, first=2)
    assert api.store.calls["projects_count"] == 0
    data = await gql(api.client, "query { projects(first: 2) { ...counted } } fragment counted on ProjectConnection { totalCount }")
    assert data["projects"]["totalCount"] == 7 and api.store.calls["projects_count"] == 1


async def test_reads_never_return_vectors(api: Api, store: GraphStore) -> None:
    await load(api.store, projects(2) + [{"kind": "artifact", "id": "a:1", "name": "lib", "artifactType": "library"},
                                         {"kind": "usage", "project": "p:000", "artifact": "a:1"}])
    await store.write("set_project_embeddings", {"rows": [{"id": "p:000", "vector": [0.1] * 384}]})
    raw = await store.read("export_projects", {"after": "", "limit": 1})
    assert len(raw[0]["props"]["embedding"]) == 384  # the node does carry a vector
    data = await gql(api.client, '{ project(id: "p:000") { id metadata } projects { edges { node { id metadata } } } }')
    assert data["project"]["id"] == "p:000"
    page = await api.store.read("projects_page", {"limit": 10}, fill={
        "WHERE": "true", "DERIVED": "", "DERIVED_WHERE": "true", "KEY": "n.id", "AFTER": "true", "DIR": "ASC"})
    point = await api.store.read("projects_by_id", {"ids": ["p:000"]})
    used_by = await api.store.read("artifact_used_by", {"ids": ["a:1"], "skip": 0, "limit": 10})
    assert used_by[0]["page"][0]["node"]["id"] == "p:000"
    for node in [row["node"] for row in page] + [point[0]["node"], used_by[0]["page"][0]["node"]]:
        assert not node.get("embedding") and not node.get("embeddingModel")
    stored = await store.read("graph_counts")
    assert stored[0]["nodes"] == 3 + len(api.keys)  # nothing was written by the reads (the test app holds one key per role)
