"""A nested query costs one store call per level, however many parents each level has.

The DataLoaders batch every relationship of every parent into one statement, so listing 100
projects with their teams, artifacts and each artifact's users is four store calls, and listing
50 is the same four.
"""

from __future__ import annotations

from collections import Counter
from random import Random
from typing import Any

import pytest

from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, load

NESTED = """query($first: Int) {
  projects(first: $first) { edges { node { id
    team { edges { node { name } } }
    artifacts { edges { node { name usedBy { totalCount } } } } } } }
}"""
DEPTH = 3  # projects -> team / artifacts -> usedBy


def organisation(projects: int = 150, people: int = 40, artifacts: int = 30) -> list[dict[str, Any]]:
    """Every project has a team of 2-4 and uses 2-3 artifacts, drawn from a seeded Random."""
    rng = Random(11)
    recs: list[dict[str, Any]] = [{"kind": "person", "id": f"u:{i:02d}", "name": f"Person {i:02d}"} for i in range(people)]
    recs += [{"kind": "artifact", "id": f"a:{i:02d}", "name": f"artifact-{i:02d}", "artifactType": "dataset"} for i in range(artifacts)]
    for i in range(projects):
        pid = f"p:{i:03d}"
        recs.append({"kind": "project", "id": pid, "name": f"project-{rng.randrange(10**6):06d}"})
        recs += [{"kind": "membership", "person": f"u:{u:02d}", "project": pid, "role": "member"}
                 for u in rng.sample(range(people), rng.randint(2, 4))]
        recs += [{"kind": "usage", "project": pid, "artifact": f"a:{a:02d}", "context": "training"}
                 for a in rng.sample(range(artifacts), rng.randint(2, 3))]
    return recs


RECORDS = organisation()


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [r for r in RECORDS if r["kind"] == kind]


@pytest.fixture
async def org(api: Api, store: GraphStore) -> Api:
    await load(store, RECORDS)
    return api


async def calls_for(api: Api, first: int) -> tuple[int, Counter[str], dict[str, Any]]:
    api.store.calls.clear()
    data = await gql(api.client, NESTED, first=first)
    return sum(api.store.calls.values()), Counter(api.store.calls), data


async def test_a_three_level_query_over_100_projects_costs_one_store_call_per_level(org: Api) -> None:
    calls, by_statement, data = await calls_for(org, 100)
    assert calls <= DEPTH + 1, by_statement
    assert all(n == 1 for n in by_statement.values()), by_statement

    person_name = {p["id"]: p["name"] for p in of_kind("person")}
    artifact_name = {a["id"]: a["name"] for a in of_kind("artifact")}
    uses = Counter(u["artifact"] for u in of_kind("usage"))
    first_100 = sorted(of_kind("project"), key=lambda p: (p["name"], p["id"]))[:100]
    edges = data["projects"]["edges"]
    assert [e["node"]["id"] for e in edges] == [p["id"] for p in first_100]
    for edge in edges:
        project = edge["node"]
        team = sorted(person_name[m["person"]] for m in of_kind("membership") if m["project"] == project["id"])
        assert [t["node"]["name"] for t in project["team"]["edges"]] == team and team
        used = sorted(u["artifact"] for u in of_kind("usage") if u["project"] == project["id"])
        got = [(a["node"]["name"], a["node"]["usedBy"]["totalCount"]) for a in project["artifacts"]["edges"]]
        assert got == [(artifact_name[a], uses[a]) for a in used] and got


async def test_twice_the_parents_cost_no_extra_store_calls(org: Api) -> None:
    fifty, _, small = await calls_for(org, 50)
    hundred, _, large = await calls_for(org, 100)
    assert len(small["projects"]["edges"]) == 50 and len(large["projects"]["edges"]) == 100
    assert fifty == hundred <= DEPTH + 1
