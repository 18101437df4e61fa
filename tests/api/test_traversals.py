"""Walking the graph: teams, usages, metrics, co-usage, versions, lineage and people's work."""

from __future__ import annotations

from typing import Any

import pytest

from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, gql_error, ids, load, names

DAY = 86_400_000
T0 = 1_700_000_000_000

PEOPLE = [
    {"kind": "person", "id": "u:ada", "name": "Ada", "role": "ml_engineer"},
    {"kind": "person", "id": "u:grace", "name": "Grace", "role": "data_scientist"},
    {"kind": "person", "id": "u:linus", "name": "Linus", "role": "mlops_engineer"},
]
PROJECTS = [
    {"kind": "project", "id": "p:fraud", "name": "fraud-detection", "startedAt": T0},
    {"kind": "project", "id": "p:churn", "name": "churn-model", "startedAt": T0 + 30 * DAY},
    {"kind": "project", "id": "p:ranker", "name": "search-ranker", "startedAt": T0 + 60 * DAY},
    {"kind": "project", "id": "p:idle", "name": "idle-project"},
]
ARTIFACTS = [
    {"kind": "artifact", "id": "a:tx", "name": "feature-pipeline-transactions", "artifactType": "feature_pipeline", "createdBy": "u:ada"},
    {"kind": "artifact", "id": "a:enc", "name": "text-encoder", "artifactType": "model_template", "createdBy": "u:ada"},
    {"kind": "artifact", "id": "a:sch", "name": "schema-customer-events", "artifactType": "schema", "createdBy": "u:grace"},
    {"kind": "artifact", "id": "a:nb", "name": "eda-notebook", "artifactType": "notebook"},
    {"kind": "artifact", "id": "a:lone", "name": "lonely-library", "artifactType": "library"},
]
MEMBERS = [
    {"kind": "membership", "person": "u:ada", "project": "p:fraud", "role": "lead", "since": T0},
    {"kind": "membership", "person": "u:grace", "project": "p:fraud", "role": "modeller", "since": T0 + DAY},
    {"kind": "membership", "person": "u:ada", "project": "p:churn", "role": "reviewer"},
    {"kind": "membership", "person": "u:ada", "project": "p:ranker", "role": "lead"},
    {"kind": "membership", "person": "u:linus", "project": "p:ranker", "role": "ops"},
]
USAGES = [
    {"kind": "usage", "project": "p:fraud", "artifact": "a:tx", "context": "training", "score": 0.9},
    {"kind": "usage", "project": "p:fraud", "artifact": "a:tx", "context": "serving", "score": 0.5},
    {"kind": "usage", "project": "p:fraud", "artifact": "a:enc", "context": "training", "score": 0.6},
    {"kind": "usage", "project": "p:fraud", "artifact": "a:sch", "context": "serving"},
    {"kind": "usage", "project": "p:churn", "artifact": "a:tx", "context": "training", "score": 0.7},
    {"kind": "usage", "project": "p:churn", "artifact": "a:enc", "context": "evaluation", "score": 0.4},
    {"kind": "usage", "project": "p:ranker", "artifact": "a:tx", "context": "training", "score": 0.8},
    {"kind": "usage", "project": "p:ranker", "artifact": "a:nb", "context": "exploration"},
]
METRICS = [
    {"kind": "metric", "project": "p:fraud", "type": "commits_per_week", "value": 10.0 + w, "at": T0 + w * 7 * DAY}
    for w in range(4)
] + [{"kind": "metric", "project": "p:fraud", "type": "churn_rate", "value": 0.2, "at": T0 + 7 * DAY}]
CHAIN = [f"a:c{i}" for i in range(1, 6)]  # a:c2 DERIVED_FROM a:c1, ..., a:c5 DERIVED_FROM a:c4
LINEAGE = ([{"kind": "artifact", "id": a, "name": f"chain-{a[-1]}", "artifactType": "dataset"} for a in CHAIN]
           + [{"kind": "lineage", "from": CHAIN[i], "to": CHAIN[i - 1], "type": "DERIVED_FROM"} for i in range(1, 5)])


@pytest.fixture
async def org(api: Api, store: GraphStore) -> Api:
    await load(store, PEOPLE + PROJECTS + ARTIFACTS + MEMBERS + USAGES + METRICS + LINEAGE)
    return api


def usages(**match: str) -> list[dict[str, Any]]:
    return [u for u in USAGES if all(u[k] == v for k, v in match.items())]


async def test_a_projects_team_carries_each_members_role(org: Api) -> None:
    query = '{ project(id: "p:fraud") { team { totalCount edges { role since node { id name role } } } } }'
    team = (await gql(org.client, query))["project"]["team"]
    expected = sorted((m for m in MEMBERS if m["project"] == "p:fraud"), key=lambda m: m["person"])
    assert team["totalCount"] == len(expected) == 2
    assert [(e["node"]["id"], e["role"], e["since"]) for e in team["edges"]] == [
        (m["person"], m["role"], m["since"]) for m in expected]
    assert team["edges"][0]["node"] == {"id": "u:ada", "name": "Ada", "role": "ml_engineer"}  # the person's own role


async def test_a_projects_artifacts_carry_the_context_and_impact_of_each_use(org: Api) -> None:
    query = '{ project(id: "p:fraud") { artifacts { totalCount edges { context impact node { id name } } } } }'
    used = (await gql(org.client, query))["project"]["artifacts"]
    assert used["totalCount"] == len(usages(project="p:fraud")) == 4
    got = {(e["node"]["id"], e["context"], e["impact"]) for e in used["edges"]}
    assert got == {(u["artifact"], u["context"], u.get("score")) for u in usages(project="p:fraud")}
    assert names(used) == sorted(names(used))  # by artifact name


async def test_a_projects_metrics_by_type_and_since_oldest_first(org: Api) -> None:
    query = 'query($type: String, $since: EpochMillis) { project(id: "p:fraud") { metrics(type: $type, since: $since) { totalCount edges { node { type value at } } } } }'
    every = (await gql(org.client, query))["project"]["metrics"]
    assert every["totalCount"] == len(METRICS)
    ats = [e["node"]["at"] for e in every["edges"]]
    assert ats == sorted(ats)
    since = T0 + 7 * DAY
    commits = (await gql(org.client, query, type="commits_per_week", since=since))["project"]["metrics"]
    expected = [(m["value"], m["at"]) for m in METRICS if m["type"] == "commits_per_week" and m["at"] >= since]
    assert [(e["node"]["value"], e["node"]["at"]) for e in commits["edges"]] == expected
    assert commits["totalCount"] == len(expected) == 3
    assert (await gql(org.client, query, type="no_such_metric"))["project"]["metrics"]["totalCount"] == 0


async def test_an_artifact_is_used_by_each_project_in_each_context(org: Api) -> None:
    query = '{ artifact(id: "a:tx") { usageCount impactScore usedBy { totalCount edges { context impact node { id } } } } }'
    artifact = (await gql(org.client, query))["artifact"]
    expected = usages(artifact="a:tx")
    assert artifact["usedBy"]["totalCount"] == artifact["usageCount"] == len(expected) == 4
    assert {(e["node"]["id"], e["context"], e["impact"]) for e in artifact["usedBy"]["edges"]} == {
        (u["project"], u["context"], u["score"]) for u in expected}
    assert artifact["impactScore"] == pytest.approx(sum(u["score"] for u in expected) / len(expected))


async def test_co_used_artifacts_come_most_shared_first_with_how_many_projects(org: Api) -> None:
    query = 'query($first: Int) { artifact(id: "a:tx") { coUsedWith(first: $first) { totalCount edges { count node { id } } } } }'
    projects_of: dict[str, set[str]] = {}
    for u in USAGES:
        projects_of.setdefault(u["artifact"], set()).add(u["project"])
    together = {a: len(ps & projects_of["a:tx"]) for a, ps in projects_of.items() if a != "a:tx" and ps & projects_of["a:tx"]}
    co = (await gql(org.client, query))["artifact"]["coUsedWith"]
    got = [(e["node"]["id"], e["count"]) for e in co["edges"]]
    assert dict(got) == together and co["totalCount"] == len(together)
    assert [count for _, count in got] == sorted(together.values(), reverse=True)
    assert got[0] == ("a:enc", 2)  # fraud and churn; fraud's two uses of a:tx count once
    top = (await gql(org.client, query, first=1))["artifact"]["coUsedWith"]
    assert [(e["node"]["id"], e["count"]) for e in top["edges"]] == [got[0]]
    assert top["totalCount"] == len(together)
    lonely = (await gql(org.client, '{ artifact(id: "a:lone") { coUsedWith { totalCount edges { count } } } }'))
    assert lonely["artifact"]["coUsedWith"] == {"totalCount": 0, "edges": []}


async def test_versions_are_listed_newest_first_in_semantic_version_order(api: Api) -> None:
    register = """mutation($version: String!) { registerArtifact(input: {name: "tokenizer", artifactType: LIBRARY, version: $version}) {
                    ... on Artifact { id version } ... on MutationError { code message } } }"""
    made = {}
    for version in ("1.2.0", "1.10.0", "1.9.0", "0.9.1"):
        made[version] = (await gql(api.client, register, version=version))["registerArtifact"]["id"]
    query = 'query($id: ID!) { artifact(id: $id) { versions { totalCount edges { node { id version } } } } }'
    for asked in made.values():
        versions = (await gql(api.client, query, id=asked))["artifact"]["versions"]
        assert [e["node"]["version"] for e in versions["edges"]] == ["1.10.0", "1.9.0", "1.2.0", "0.9.1"]
        assert versions["totalCount"] == 4 and ids(versions)[0] == made["1.10.0"]


def chain_lineage(start: str, direction: str, depth: int) -> list[tuple[str, int, list[str], str]]:
    """What the lineage of `start` is on CHAIN, worked out from the list itself."""
    at = CHAIN.index(start)
    steps = []
    for way, sign in (("UPSTREAM", -1), ("DOWNSTREAM", 1)):
        if direction in (way, "BOTH"):
            for hops in range(1, depth + 1):
                end = at + sign * hops
                if 0 <= end < len(CHAIN):
                    path = [CHAIN[at + sign * k] for k in range(hops + 1)]
                    steps.append((CHAIN[end], hops, path, way))
    return steps


@pytest.mark.parametrize("start", ["a:c1", "a:c3", "a:c5"])
@pytest.mark.parametrize("direction", ["UPSTREAM", "DOWNSTREAM", "BOTH"])
@pytest.mark.parametrize("depth", [1, 2, 3])
async def test_lineage_along_a_chain_of_five(org: Api, start: str, direction: str, depth: int) -> None:
    query = """query($id: ID!, $direction: LineageDirection!, $depth: Int!) { artifact(id: $id) {
                 lineage(direction: $direction, depth: $depth) { totalCount edges { depth path direction node { id } } } } }"""
    lineage = (await gql(org.client, query, id=start, direction=direction, depth=depth))["artifact"]["lineage"]
    got = [(e["node"]["id"], e["depth"], e["path"], e["direction"]) for e in lineage["edges"]]
    expected = chain_lineage(start, direction, depth)
    assert sorted(got) == sorted(expected)
    assert lineage["totalCount"] == len(expected)
    assert [d for _, d, _, way in got if way == "UPSTREAM"] == sorted(d for _, d, _, way in got if way == "UPSTREAM")


async def test_lineage_deeper_than_three_is_refused(org: Api) -> None:
    for depth in (4, 0):
        error = await gql_error(org.client, '{ artifact(id: "a:c5") { lineage(depth: %d) { totalCount } } }' % depth)
        assert (error["code"], error["field"]) == ("INVALID_INPUT", "depth")


async def test_a_persons_projects_newest_first_with_their_role(org: Api) -> None:
    query = '{ person(id: "u:ada") { name projects { totalCount edges { role node { id } } } } }'
    ada = (await gql(org.client, query))["person"]
    mine = [m for m in MEMBERS if m["person"] == "u:ada"]
    started = {p["id"]: p.get("startedAt", 0) for p in PROJECTS}
    newest_first = sorted(mine, key=lambda m: -started[m["project"]])
    assert ada["projects"]["totalCount"] == len(mine) == 3
    assert [(e["node"]["id"], e["role"]) for e in ada["projects"]["edges"]] == [(m["project"], m["role"]) for m in newest_first]


async def test_a_persons_created_artifacts(org: Api) -> None:
    query = 'query($id: ID!) { person(id: $id) { artifactsCreated { totalCount edges { node { id createdBy } } } } }'
    for person in ("u:ada", "u:grace", "u:linus"):
        created = (await gql(org.client, query, id=person))["person"]["artifactsCreated"]
        expected = {a["id"] for a in ARTIFACTS if a.get("createdBy") == person}
        assert set(ids(created)) == expected and created["totalCount"] == len(expected)
        assert all(e["node"]["createdBy"] == person for e in created["edges"])


async def test_first_one_still_counts_the_whole_relationship(org: Api) -> None:
    query = """{ project(id: "p:fraud") {
                 team(first: 1) { totalCount pageInfo { hasNextPage } edges { node { id } } }
                 artifacts(first: 1) { totalCount pageInfo { hasNextPage } edges { node { id } } } } }"""
    project = (await gql(org.client, query))["project"]
    assert project["team"]["totalCount"] == 2 and len(project["team"]["edges"]) == 1
    assert project["artifacts"]["totalCount"] == 4 and len(project["artifacts"]["edges"]) == 1
    assert project["team"]["pageInfo"]["hasNextPage"] and project["artifacts"]["pageInfo"]["hasNextPage"]
    idle = (await gql(org.client, '{ project(id: "p:idle") { team(first: 1) { totalCount edges { role } } } }'))
    assert idle["project"]["team"] == {"totalCount": 0, "edges": []}
    too_many = await gql_error(org.client, '{ project(id: "p:fraud") { team(first: 101) { totalCount } } }')
    assert (too_many["code"], too_many["field"]) == ("INVALID_INPUT", "first")


async def test_walking_a_relationship_page_by_page(org: Api) -> None:
    query = 'query($after: String) { artifact(id: "a:tx") { usedBy(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { context node { id } } } } }'
    seen, after = [], None
    while True:
        page = (await gql(org.client, query, after=after))["artifact"]["usedBy"]
        seen += [(e["node"]["id"], e["context"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted((u["project"], u["context"]) for u in usages(artifact="a:tx"))


async def test_a_release_is_newer_than_its_pre_releases(api: Api) -> None:
    register = """mutation($version: String!) { registerArtifact(input: {name: "tokenizer", artifactType: LIBRARY, version: $version}) {
                    ... on Artifact { id } } }"""
    for version in ("0.9.0", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0"):
        made = (await gql(api.client, register, version=version))["registerArtifact"]["id"]
    versions = (await gql(api.client, '{ artifact(id: "%s") { versions { edges { node { version } } } } }' % made))
    assert [e["node"]["version"] for e in versions["artifact"]["versions"]["edges"]] == ["1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "0.9.0"]


async def test_an_ancestor_reached_by_two_paths_is_listed_once_at_its_shortest(api: Api, store: GraphStore) -> None:
    diamond = [{"kind": "artifact", "id": f"a:d{i}", "name": f"d{i}", "artifactType": "dataset"} for i in range(1, 5)]
    edges = [("a:d2", "a:d1"), ("a:d3", "a:d1"), ("a:d4", "a:d2"), ("a:d4", "a:d3"), ("a:d3", "a:d2")]
    await load(store, diamond + [{"kind": "lineage", "from": a, "to": b, "type": "DERIVED_FROM"} for a, b in edges])
    query = '{ artifact(id: "a:d4") { lineage(direction: UPSTREAM, depth: 3) { totalCount edges { depth node { id } } } } }'
    lineage = (await gql(api.client, query))["artifact"]["lineage"]
    got = [(e["node"]["id"], e["depth"]) for e in lineage["edges"]]
    assert sorted(got) == [("a:d1", 2), ("a:d2", 1), ("a:d3", 1)]
    assert lineage["totalCount"] == 3


async def test_projects_without_a_start_come_last_in_a_persons_projects(org: Api) -> None:
    added = await gql(org.client, 'mutation { addTeamMember(projectId: "p:idle", personId: "u:linus", role: "ops") '
                                  '{ ... on Project { id } } }')
    assert added["addTeamMember"]["id"] == "p:idle"
    linus = (await gql(org.client, '{ person(id: "u:linus") { projects { edges { node { id } } } } }'))["person"]
    assert [e["node"]["id"] for e in linus["projects"]["edges"]] == ["p:ranker", "p:idle"]
