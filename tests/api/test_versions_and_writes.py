"""Versions of any scheme in one order; name+version unique; chains that never fork; fresh loaders.

Arranged through the public surface (mutations and JSONL imports) over the real embedded store.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, load

EXAMPLE = ["1.9.0", "1.10.0", "2.0rc1", "2.0", "v2.1.0", "2024.03.1", "1.0.0-rc.1+build.5"]
NEWEST_FIRST = ["2024.03.1", "v2.1.0", "2.0", "2.0rc1", "1.10.0", "1.9.0", "1.0.0-rc.1+build.5"]
REGISTER = """mutation($input: RegisterArtifactInput!) { registerArtifact(input: $input) {
  ... on Artifact { id version } ... on MutationError { code message field } } }"""
VERSIONS = "query($id: ID!) { artifact(id: $id) { versions(first: 50) { edges { node { version } } } } }"
BY_VERSION = """query($name: String!, $dir: SortDirection!) {
  artifacts(where: {name: {eq: $name}}, orderBy: {field: VERSION, direction: $dir}, first: 50) {
    edges { node { version } } } }"""


async def register(api: Api, name: str, version: str) -> dict[str, Any]:
    data = await gql(api.client, REGISTER, input={"name": name, "artifactType": "LIBRARY", "version": version})
    return data["registerArtifact"]


async def chain(store: GraphStore, name: str) -> list[tuple[str, str]]:
    """(newer, older) versions of every NEW_VERSION_OF edge between artifacts called `name`."""
    edges = await store.read("export_edges", {"after": "", "limit": 10_000})
    versions = {}
    for row in await store.read("artifact_versions", {"ids": [e["source"] for e in edges] + [e["target"] for e in edges]}):
        for v in row["versions"]:
            if v["name"] == name:
                versions[v["id"]] = v["version"]
    return sorted((versions[e["source"]], versions[e["target"]]) for e in edges
                  if e["type"] == "NEW_VERSION_OF" and e["source"] in versions and e["target"] in versions)


def consecutive(newest_first: list[str]) -> list[tuple[str, str]]:
    return sorted(zip(newest_first, newest_first[1:]))


async def test_versions_of_every_scheme_sort_in_one_order(api: Api) -> None:
    order = EXAMPLE[:]
    random.Random(3).shuffle(order)
    registered = [await register(api, "mixed", v) for v in order]
    assert all("id" in r for r in registered), registered
    listed = await gql(api.client, VERSIONS, id=registered[0]["id"])
    assert [e["node"]["version"] for e in listed["artifact"]["versions"]["edges"]] == NEWEST_FIRST
    desc = await gql(api.client, BY_VERSION, name="mixed", dir="DESC")
    assert [e["node"]["version"] for e in desc["artifacts"]["edges"]] == NEWEST_FIRST
    asc = await gql(api.client, BY_VERSION, name="mixed", dir="ASC")
    assert [e["node"]["version"] for e in asc["artifacts"]["edges"]] == NEWEST_FIRST[::-1]
    assert await chain(api.store, "mixed") == consecutive(NEWEST_FIRST)


async def test_a_version_registered_between_two_is_spliced_into_the_chain(api: Api) -> None:
    for v in ("1.0.0", "2.0.0", "1.5.0"):
        await register(api, "splice", v)
    assert await chain(api.store, "splice") == [("1.5.0", "1.0.0"), ("2.0.0", "1.5.0")]


async def test_an_import_relinks_the_chain_in_version_order(api: Api) -> None:
    for i, v in enumerate(("1.0.0", "2.0.0", "1.5.0")):
        await load(api.store, [{"kind": "artifact", "id": f"a:{i}", "name": "imported", "artifactType": "library",
                                "version": v}])
    assert await chain(api.store, "imported") == [("1.5.0", "1.0.0"), ("2.0.0", "1.5.0")]
    await load(api.store, [{"kind": "artifact", "id": f"a:{i}", "name": "imported", "artifactType": "library",
                            "version": v} for i, v in enumerate(("1.0.0", "2.0.0", "1.5.0"))])
    assert await chain(api.store, "imported") == [("1.5.0", "1.0.0"), ("2.0.0", "1.5.0")]  # re-import: no change


async def test_a_duplicate_name_and_version_is_a_conflict_in_mutations_and_imports(api: Api) -> None:
    await register(api, "dup", "1.0.0")
    again = await register(api, "dup", "1.0.0")
    assert (again["code"], again["field"]) == ("CONFLICT", "version")
    try:
        await load(api.store, [{"kind": "artifact", "id": "a:other", "name": "dup", "artifactType": "library",
                                "version": "1.0.0"}])
    except Exception as exc:  # noqa: BLE001 - asserted below
        assert "dup 1.0.0 is already in the graph" in str(exc)
    else:
        raise AssertionError("an import of a taken name+version must fail")


async def test_one_hundred_concurrent_duplicate_registrations_make_one_node(api: Api) -> None:
    results = await asyncio.gather(*(register(api, "racer", "3.1.4") for _ in range(100)))
    assert sum("id" in r for r in results) == 1
    assert {r["code"] for r in results if "code" in r} == {"CONFLICT"}
    rows = await gql(api.client, '{ artifacts(where: {name: {eq: "racer"}}) { totalCount } }')
    assert rows["artifacts"]["totalCount"] == 1


async def test_fifty_concurrent_versions_form_one_correct_chain(api: Api) -> None:
    versions = [f"1.{i}.0" for i in range(50)]
    shuffled = versions[:]
    random.Random(5).shuffle(shuffled)
    results = await asyncio.gather(*(register(api, "parallel", v) for v in shuffled))
    assert all("id" in r for r in results)
    assert await chain(api.store, "parallel") == consecutive(versions[::-1])


async def test_two_mutations_in_one_document_see_each_others_writes(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:team", "name": "team"}])
    data = await gql(api.client, """mutation {
      a: addTeamMember(projectId: "p:team", personId: "u:1", name: "One") { ... on Project { team { totalCount } } }
      b: addTeamMember(projectId: "p:team", personId: "u:2", name: "Two") { ... on Project { team { totalCount } } }
    }""")
    assert (data["a"]["team"]["totalCount"], data["b"]["team"]["totalCount"]) == (1, 2)


async def test_real_world_records_import_and_read_back(api: Api) -> None:
    await load(api.store, [
        {"kind": "project", "id": "p:python3-magics++", "name": "magics", "problemClass": "binary_classification",
         "outcome": {"success": True, "score": 0.91}},
        {"kind": "project", "id": "p:odd", "name": "odd", "problemClass": "telepathy"},
        {"kind": "person", "id": "ada@example.com", "name": "Ada"},
        {"kind": "artifact", "id": "deb/python3-magics++", "name": "python3-magics++", "artifactType": "library",
         "version": "3.8.4-1"},
    ])
    data = await gql(api.client, """{
      p: project(id: "p:python3-magics++") { problemClass problemSubclass outcome { success metadata } }
      o: project(id: "p:odd") { problemClass problemSubclass }
      person(id: "ada@example.com") { name }
      artifact(id: "deb/python3-magics++") { version }
      f: projects(where: {problemSubclass: {eq: "binary_classification"}}) { edges { node { id } } }
    }""")
    assert data["p"] == {"problemClass": "CLASSIFICATION", "problemSubclass": "binary_classification",
                         "outcome": {"success": True, "metadata": {"score": 0.91}}}
    assert data["o"] == {"problemClass": "OTHER", "problemSubclass": "telepathy"}
    assert data["person"]["name"] == "Ada" and data["artifact"]["version"] == "3.8.4-1"
    assert [e["node"]["id"] for e in data["f"]["edges"]] == ["p:python3-magics++"]


async def test_numbers_the_store_cannot_hold_are_refused(api: Api) -> None:
    try:
        await import_lines(api.store, [json.dumps({"kind": "project", "id": "p:big", "name": "big",
                                                   "outcome": {"costUsd": 1e30}})], batch_size=10)
    except Exception as exc:  # noqa: BLE001 - asserted below
        assert "outcome.costUsd" in str(exc)
    else:
        raise AssertionError("costUsd 1e30 must be refused")


async def test_bootstrap_computes_missing_version_keys(store: GraphStore) -> None:
    # Written as an older Maestro did: no versionKey, a chain in text order (1.10.0 before 1.9.0).
    await store.write("import_artifacts", {"rows": [
        {"id": f"old:{v}", "props": {"name": "legacy", "version": v, "artifactType": "library"}}
        for v in ("1.9.0", "1.10.0")]})
    await store.write("import_new_version_of", {"rows": [{"from": "old:1.9.0", "to": "old:1.10.0", "props": {}}]})
    await store.bootstrap()
    assert await chain(store, "legacy") == [("1.10.0", "1.9.0")]
    rows = await store.read("artifacts_missing_version_key", {"limit": 10})
    assert rows == []


async def test_a_mutation_may_give_a_finer_problem_name(api: Api) -> None:
    data = await gql(api.client, """mutation {
      createProject(input: {name: "detector", problemSubclass: "object_detection"}) {
        ... on Project { problemClass problemSubclass } } }""")
    assert data["createProject"] == {"problemClass": "VISION", "problemSubclass": "object_detection"}


async def test_an_outcome_cost_beyond_what_the_store_holds_is_refused(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:cost", "name": "cost"}])
    data = await gql(api.client, """mutation { recordOutcome(projectId: "p:cost", input: {costUsd: 1e30}) {
      ... on MutationError { code field } } }""")
    assert data["recordOutcome"] == {"code": "INVALID_INPUT", "field": "input.costUsd"}


async def test_a_name_with_a_control_character_is_refused_and_the_store_keeps_serving(api: Api) -> None:
    # FalkorDB 4.16 crashes on a uniquely-constrained string holding a control character (found by
    # the fuzz test): such names are refused before the store sees them, by mutations and imports.
    register = """mutation($name: String!, $description: String) {
      registerArtifact(input: {name: $name, artifactType: DATASET, description: $description}) {
        ... on Artifact { name description } ... on MutationError { code field } } }"""
    for name in ("a\x01b", "tab\there", "two\nlines", "c1\x91"):
        data = await gql(api.client, register, name=name)
        assert data["registerArtifact"] == {"code": "INVALID_INPUT", "field": "name"}, name
    try:
        await import_lines(api.store, [json.dumps({"kind": "artifact", "id": "a:ctl", "name": "x\x01y",
                                                   "artifactType": "dataset"})], batch_size=10)
    except Exception as exc:  # noqa: BLE001 - asserted below
        assert "name" in str(exc) and "control" in str(exc)
    else:
        raise AssertionError("an imported name with a control character must be refused")
    # Descriptions keep their lines and tabs; the store is still up and holds only this one.
    data = await gql(api.client, register, name="fine", description="line one\n\tline two")
    assert data["registerArtifact"] == {"name": "fine", "description": "line one\n\tline two"}
    count = await gql(api.client, "{ artifacts(first: 10) { totalCount } }")
    assert count["artifacts"]["totalCount"] == 1
