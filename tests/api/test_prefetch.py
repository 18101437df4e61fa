"""Look-ahead prefetch (api/prefetch.py): nested reads answer exactly as the DataLoaders did,
in one store call per level, and fetch only the properties a query selects.

The reference answer is the same query with the look-ahead switched off (no prefetchable
relationship), which leaves every nested field to its DataLoader and full-node statement.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from maestro_graph.api import prefetch
from maestro_graph.api.schema import schema
from maestro_graph.service import reads
from maestro_graph.service.pages import PageArgs, encode_cursor
from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, gql_error, load, serve
from tests.api.test_traversals import ARTIFACTS, MEMBERS, PEOPLE, PROJECTS, USAGES

PROJECT_FIELDS = """id name description problemClass problemSubclass complexityScore status tags startedAt startedAtIso
    completedAt completedAtIso repository metadata audit { addedBy addedAt updatedBy updatedAt }
    outcome { success successScore modelPerformance businessImpact durationDays costUsd metadata } teamSize"""
ARTIFACT_FIELDS = """id name artifactType version description tags storagePath createdBy metadata usageCount impactScore
    audit { addedBy addedAt updatedBy updatedAt }"""
PERSON_FIELDS = "id name role skills"
# Every prefetchable hop, three levels deep from each kind of top-level field, with every node
# field, edge properties, cursors, page info and counts, a fragment, an alias and a paged level.
EVERYTHING = f"""
fragment Used on Project {{ artifacts(first: 2) {{ totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor context impact at node {{ {ARTIFACT_FIELDS}
      usedBy {{ totalCount edges {{ context node {{ {PROJECT_FIELDS} }} }} }}
      coUsedWith(first: 3) {{ edges {{ count node {{ id name }} }} }} }} }} }} }}
query($first: Int, $skipped: Boolean!) {{
  projects(first: $first, orderBy: {{field: ID}}) {{ edges {{ node {{ {PROJECT_FIELDS} ...Used
    team {{ totalCount edges {{ role since sinceIso node {{ {PERSON_FIELDS}
      projects {{ totalCount edges {{ role node {{ {PROJECT_FIELDS} ...Used }} }} }}
      made: artifactsCreated {{ edges {{ node {{ {ARTIFACT_FIELDS} }} }} }}
      hidden: projects @skip(if: $skipped) {{ edges {{ node {{ id }} }} }} }} }} }} }} }} }}
  project(id: "p:fraud") {{ ...Used team(first: 1) {{ edges {{ node {{ name projects(first: 1, after: "{encode_cursor(0)}")
    {{ edges {{ node {{ id }} }} }} }} }} }} }}
  artifact(id: "a:tx") {{ usedBy {{ edges {{ node {{ name team {{ edges {{ node {{ {PERSON_FIELDS} }} }} }} }} }} }} }}
  person(id: "u:ada") {{ projects {{ edges {{ node {{ ...Used }} }} }} artifactsCreated {{ edges {{ node {{ id }} }} }} }}
  artifacts(first: 3, orderBy: {{field: NAME}}) {{ edges {{ node {{ name usedBy {{ edges {{ node {{ id }} }} }} }} }} }}
  persons(first: 2) {{ edges {{ node {{ name projects {{ edges {{ node {{ id artifacts {{ edges {{ node {{ id }} }} }} }} }} }} }} }} }}
}}
"""
NESTED = """{ projects(first: 10, orderBy: {field: ID}) { edges { node { id
  team { edges { node { id projects { edges { node { id artifacts { edges { node { id name } } } } } } } } } } } } }"""
RICH = {"kind": "project", "id": "p:rich", "name": "rich", "description": "all of it", "problemClass": "regression",
        "complexityScore": 4, "status": "completed", "tags": ["a", "b"], "startedAt": 1_700_000_000_000,
        "completedAt": 1_700_100_000_000, "repository": "acme/rich", "metadata": {"team": "x"},
        "outcome": {"success": True, "durationDays": 12.5, "costUsd": 100.0, "extra": "kept"}}


@pytest.fixture
async def rich(store: GraphStore) -> AsyncIterator[Api]:
    """The traversal tests' organisation plus one project with every property, served with room
    for a deep query."""
    await load(store, PEOPLE + PROJECTS + ARTIFACTS + MEMBERS + USAGES + [
        RICH, {"kind": "membership", "person": "u:ada", "project": "p:rich", "role": "lead"},
        {"kind": "usage", "project": "p:rich", "artifact": "a:enc", "context": "training", "score": 0.3}])
    # the look-ahead is what these tests are about: compiled nested reads (test_compiled_reads.py) off
    async with serve(store, max_query_hops=8, max_query_nodes=10**7, rate_limit_per_minute=0,
                     compiled_nested_reads=False) as served:
        yield served


async def without_prefetch(api: Api, monkeypatch: pytest.MonkeyPatch, query: str, **variables: Any) -> dict[str, Any]:
    with monkeypatch.context() as patched:
        patched.setattr(prefetch, "HOPS", {})
        return await gql(api.client, query, **variables)


async def test_every_nested_field_answers_as_without_prefetch(rich: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = await without_prefetch(rich, monkeypatch, EVERYTHING, first=10, skipped=True)
    got = await gql(rich.client, EVERYTHING, first=10, skipped=True)
    assert got == expected
    projects = {e["node"]["id"]: e["node"] for e in got["projects"]["edges"]}
    assert projects["p:rich"]["outcome"]["durationDays"] == 12.5 and projects["p:rich"]["tags"] == ["a", "b"]
    assert [e["node"]["id"] for e in projects["p:fraud"]["team"]["edges"]] == ["u:ada", "u:grace"]
    assert "hidden" not in projects["p:fraud"]["team"]["edges"][0]["node"]
    assert (await gql(rich.client, EVERYTHING, first=10, skipped=False)) == (
        await without_prefetch(rich, monkeypatch, EVERYTHING, first=10, skipped=False))


async def test_a_nested_traversal_costs_one_store_call_per_level(rich: Api) -> None:
    rich.store.calls.clear()
    data = await gql(rich.client, NESTED)
    assert dict(rich.store.calls) == {"projects_page": 1, "project_team_fields": 1, "person_projects_fields": 1,
                                     "project_artifacts_fields": 1}
    fraud = next(e["node"] for e in data["projects"]["edges"] if e["node"]["id"] == "p:fraud")
    ada = fraud["team"]["edges"][0]["node"]
    assert ada["id"] == "u:ada"
    # Ada's projects, newest first, each with the artifacts it used (by name)
    assert [e["node"]["id"] for e in ada["projects"]["edges"]] == ["p:ranker", "p:churn", "p:fraud", "p:rich"]
    ranker = ada["projects"]["edges"][0]["node"]
    assert [e["node"]["name"] for e in ranker["artifacts"]["edges"]] == ["eda-notebook", "feature-pipeline-transactions"]


async def test_the_store_returns_only_the_selected_properties(rich: Api) -> None:
    pages = await reads.related_fields(rich.store, "project_artifacts_fields", ["p:fraud", "p:none"], PageArgs(0, 2),
                                       ["id", "name"])
    assert [sorted(row["node"]) for row in pages[0].rows] == [["id", "name"], ["id", "name"]]
    assert pages[0].total == 4 and pages[0].has_next
    assert pages[1].rows == [] and pages[1].total == 0
    # an unset property is absent, as with the full node
    linus = await reads.related_fields(rich.store, "person_projects_fields", ["u:linus"], PageArgs(0, 5), ["id", "description"])
    assert [row["node"] for row in linus[0].rows] == [{"id": "p:ranker"}]
    assert linus[0].rows[0]["edge"] == {"role": "ops"}


def test_the_whitelist_names_every_field_of_the_node_types_and_no_vector() -> None:
    types = schema._schema.type_map  # type: ignore[attr-defined]
    for label, fields in prefetch.PROPERTIES.items():
        assert set(types[label].fields) | {"__typename"} == set(fields), label
        assert not {"embedding", "embeddingModel", "embeddingTextHash"} & {p for ps in fields.values() for p in ps}
    for (label, field), hop in prefetch.HOPS.items():
        assert field in types[label].fields and hop.child in prefetch.PROPERTIES


async def test_a_field_selected_twice_with_different_subfields_gets_both(rich: Api) -> None:
    query = """{ projects(first: 10, orderBy: {field: ID}) { edges { node { id
      team { edges { node { id } } } team { edges { node { name } } } } } } }"""
    data = await gql(rich.client, query)
    fraud = next(e["node"] for e in data["projects"]["edges"] if e["node"]["id"] == "p:fraud")
    assert [e["node"] for e in fraud["team"]["edges"]] == [{"id": "u:ada", "name": "Ada"}, {"id": "u:grace", "name": "Grace"}]


async def test_a_bad_nested_argument_is_refused_at_its_own_field(rich: Api) -> None:
    query = '{ project(id: "p:fraud") { id team { edges { node { projects(first: 1000) { totalCount } } } } } }'
    error = await gql_error(rich.client, query)
    assert error["code"] == "INVALID_INPUT" and error["field"] == "first"
    body = (await rich.client.post("/graphql", json={"query": query})).json()
    assert [e["path"] for e in body["errors"]] == [["project", "team", "edges", 0, "node", "projects"]]


async def test_a_mutation_result_still_reads_its_relationships_fresh(rich: Api) -> None:
    query = """mutation { a: addTeamMember(projectId: "p:churn", personId: "u:grace") { ... on Project { team { totalCount } } }
      b: addTeamMember(projectId: "p:churn", personId: "u:linus") { ... on Project { team { totalCount } } } }"""
    data = await gql(rich.client, query)
    assert (data["a"]["team"]["totalCount"], data["b"]["team"]["totalCount"]) == (2, 3)
    nested = await gql(rich.client, '{ project(id: "p:churn") { team { edges { node { id } } } } }')
    assert [e["node"]["id"] for e in nested["project"]["team"]["edges"]] == ["u:ada", "u:grace", "u:linus"]
