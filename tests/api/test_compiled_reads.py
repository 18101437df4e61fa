"""Compiled nested reads (`api/compiled_reads.py`) answer exactly as the GraphQL executor does.

Every test compares the whole HTTP answer (status, headers, bytes) and the store calls made with
the same request sent while `compiled_nested_reads` is off, on the same app and store, and
checks by counting graphql-core's field executions which side actually answered.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from maestro_graph.api.compiled_fields import EDGE_READS, NODE_READS
from maestro_graph.api.compiled_plan import compile_nested
from maestro_graph.api.graphql import schema_for
from maestro_graph.api.types.nodes import Artifact, Person, Project
from maestro_graph.service import reads
from maestro_graph.service.pages import encode_cursor
from maestro_graph.store.port import GraphStore
from tests.api.conftest import Answer, Api, answer_with, load, serve
from tests.api.test_execution import FieldCount
from tests.api.test_prefetch import RICH
from tests.api.test_traversals import ARTIFACTS, MEMBERS, PEOPLE, PROJECTS, USAGES

BARE = [{"kind": "project", "id": "p:bare", "name": "bare"}, {"kind": "person", "id": "u:bare", "name": "bare"},
        {"kind": "artifact", "id": "a:bare", "name": "bare", "artifactType": "other"}]
PROJECT = ("id name description problemClass problemSubclass complexityScore status tags startedAt startedAtIso "
           "completedAt completedAtIso repository __typename")
ARTIFACT = "id name artifactType version description tags storagePath createdBy"
PERSON = "id name role skills"
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
BENCH = """query Nested($projects: Int!, $page: Int!) {
  projects(first: $projects, orderBy: {field: ID}) { edges { node { id
    team(first: $page) { edges { node { id
      projects(first: $page) { edges { node { id
        artifacts(first: $page) { edges { node { id name } } }
      } } }
    } } }
  } } }
}"""
COMPILED = [
    (BENCH, {"projects": 10, "page": 100}),
    (BENCH, {"projects": 3, "page": 1}),  # short pages: hasNextPage, totals beyond the page
    ("{ projects(first: 20, orderBy: {field: ID}) { totalCount %s edges { cursor node { %s } } } }" % (PAGE_INFO, PROJECT), {}),
    ("""query Aliased { ps: projects(first: 2, orderBy: {field: NAME, direction: DESC}) { n: totalCount i: %s
        es: edges { c: cursor t: __typename n: node { key: id label: name s: status
          crew: team { __typename count: totalCount edges { role since sinceIso node { %s } } } } } } }""" % (PAGE_INFO, PERSON),
     {}),
    ("""query($id: ID!, $after: String, $first: Int) { project(id: $id) {
        team(first: $first, after: $after) { totalCount %s edges { cursor role node { id name
          projects(first: 1) { totalCount %s edges { cursor node { id } } } } } } } }""" % (PAGE_INFO, PAGE_INFO),
     {"id": "p:fraud", "after": encode_cursor(0), "first": 1}),
    ("""{ project(id: "p:fraud") { %s artifacts { totalCount edges { context impact at atIso cursor node { %s
        usedBy(first: 2) { %s edges { context node { id name } } }
        coUsedWith(first: 2) { edges { count node { id name } } } } } } } }""" % (PROJECT, ARTIFACT, PAGE_INFO), {}),
    ('{ project(id: "p:bare") { id team { totalCount %s edges { node { id } } } artifacts { edges { cursor } } } }'
     % PAGE_INFO, {}),  # empty connections
    ('{ project(id: "p:none") { id team { totalCount } } }', {}),  # not found: null, nothing below read
    ('{ person(id: "u:ada") { %s artifactsCreated { edges { node { %s } } } projects { edges { role since node { id } } } } }'
     % (PERSON, ARTIFACT), {}),
    ('{ artifact(id: "a:bare") { %s usedBy { totalCount } } }' % ARTIFACT, {}),
    ("""{ persons(first: 2, orderBy: {field: NAME}) { edges { node { name projects { edges { node { id } } } } } }
        artifacts(first: 3, orderBy: {field: NAME}) { totalCount edges { node { name usedBy { edges { node { id } } } } } }
        projects(where: {problemClass: {eq: REGRESSION}}) { totalCount edges { node { id problemClass } } } }""", {}),
    ('{ projects(first: 0) { totalCount %s edges { node { id } } } }' % PAGE_INFO, {}),
    ('{ projects(first: 2, orderBy: {field: ID}) { edges { node { team(first: 0) { totalCount %s } } } } }' % PAGE_INFO, {}),
    ('query Extra($x: Int) { projects(first: $x) { edges { node { id } } } }', {"x": 1, "other": "ignored"}),
    # fragments on the object's own type: expanded as graphql-core collects them, a leaf selected twice merged
    ('''query Frag { projects(first: 3, orderBy: {field: ID}) { ...Conn } }
        fragment Conn on ProjectConnection { totalCount edges { ...E node { id ...P ... on Project { name id } } } }
        fragment E on ProjectEdge { cursor }
        fragment P on Project { id status ...P2 team { ... { totalCount } edges { node { ...Who } } } }
        fragment P2 on Project { name }
        fragment Who on Person { name ...P3 }
        fragment P3 on Person { id name }''', {}),
]
# Shapes and requests the compiled path leaves to the executor; each must still answer alike.
NOT_COMPILED = [
    ('{ projects(first: 2) { edges { node { id teamSize } } } }', {}),  # a field with its own loader
    ('{ projects(first: 2) { edges { node { id outcome { success } } } } }', {}),
    ('{ projects(first: 2) { edges { node { id metadata } } } }', {}),
    ('{ projects(first: 2) { edges { node { ...F @include(if: true) } } } } fragment F on Project { id }', {}),
    ('{ projects(first: 2) { edges { node { team { totalCount } ...F } } } } fragment F on Project { team { edges { cursor } } }',
     {}),  # one key, two sub-selections: merged by graphql-core
    ('query A { projects(first: 1) { totalCount } } query B { projects(first: 2) { totalCount } }', {}),  # no operationName
    ('{ projects(first: 2) { edges { node { id name @include(if: true) } } } }', {}),
    ('{ projects(first: 2) { edges { node { id } } edges { node { name } } } }', {}),  # a key twice: merged
    ('{ project(id: "p:fraud") { metrics { edges { node { id } } } } }', {}),
    ('query($n: Int) { projects(first: $n) { edges { node { id } } } }', {"n": 101}),  # over max_page_size
    ('query($n: Int!) { projects(first: 2) { edges { node { team(first: $n) { totalCount } } } } }', {"n": -1}),
    ('{ project(id: "p:fraud") { team(after: "bm90IGEgY3Vyc29y") { totalCount } } }', {}),  # not a cursor
    ('{ projects(after: "bm90IGEgY3Vyc29y") { totalCount } }', {}),
    ('query($a: String) { project(id: "p:fraud") { team(after: $a) { totalCount } } }', {"a": "\u0000"}),  # unstorable
    ('query($n: Int!) { projects(first: $n) { totalCount } }', {"n": "two"}),  # a refused variable
    ('query($n: Int!) { projects(first: $n) { totalCount } }', {}),  # a missing one
    ('{ projects(first: 2) { edges { node { nosuch } } } }', {}),  # invalid
    ('{ projects(where: {name: {eq: "x\\u0000"}}) { totalCount } }', {}),  # unstorable filter value
    ('mutation { deleteProject(id: "p:fraud") { __typename } }', {}),
]


@pytest.fixture
async def api(store: GraphStore) -> AsyncIterator[Api]:
    await load(store, PEOPLE + PROJECTS + ARTIFACTS + MEMBERS + USAGES + BARE + [
        RICH, {"kind": "membership", "person": "u:ada", "project": "p:rich", "role": "lead", "since": 1_700_000_000_000},
        {"kind": "usage", "project": "p:rich", "artifact": "a:enc", "context": "training", "score": 0.3}])
    async with serve(store, max_query_hops=8, max_query_nodes=10**9, rate_limit_per_minute=0) as served:
        yield served


async def answer(api: Api, client: httpx.AsyncClient, query: str, variables: dict[str, Any], *, compiled: bool,
                 operation_name: str | None = None) -> Answer:
    return await answer_with(api, client, query, variables, setting="compiled_nested_reads", enabled=compiled,
                             operation_name=operation_name)


@pytest.mark.parametrize(("query", "variables"), COMPILED)
async def test_a_compiled_nested_read_answers_the_same_bytes_and_store_calls_without_the_executor(
        api: Api, monkeypatch: pytest.MonkeyPatch, query: str, variables: dict[str, Any]) -> None:
    expected = await answer(api, api.client, query, variables, compiled=False)
    count = FieldCount(monkeypatch)
    got = await answer(api, api.client, query, variables, compiled=True)
    assert got == expected
    assert count.calls == 0, "the executor answered: the query was not compiled"
    assert b'"errors"' not in got[2] and b'"data":{' in got[2]


@pytest.mark.parametrize(("query", "variables"), NOT_COMPILED)
async def test_other_shapes_and_refused_arguments_go_through_the_executor_and_answer_alike(
        api: Api, monkeypatch: pytest.MonkeyPatch, query: str, variables: dict[str, Any]) -> None:
    expected = await answer(api, api.client, query, variables, compiled=False)
    count = FieldCount(monkeypatch)
    got = await answer(api, api.client, query, variables, compiled=True)
    assert got[:3] == expected[:3]
    assert count.calls > 0 or expected[0] != 200 or b'"errors"' in got[2], "the compiled path answered"


async def test_paging_with_the_cursors_the_compiled_path_returns_walks_the_same_list(api: Api) -> None:
    query = ("query($after: String) { projects(first: 2, after: $after, orderBy: {field: NAME}) { %s "
             "edges { cursor node { id } } } }" % PAGE_INFO)
    after, seen = None, []
    while True:
        got = await answer(api, api.client, query, {"after": after}, compiled=True)
        assert got[:3] == (await answer(api, api.client, query, {"after": after}, compiled=False))[:3]
        page = httpx.Response(200, content=got[2]).json()["data"]["projects"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(seen, key=lambda i: {"p:bare": "bare", "p:churn": "churn-model", "p:fraud": "fraud-detection",
                                               "p:idle": "idle-project", "p:rich": "rich", "p:ranker": "search-ranker"}[i])
    assert len(seen) == 6


async def test_the_readers_give_what_from_node_gives(api: Api) -> None:
    """The compiled readers repeat each type's `from_node`: checked field by field on stored nodes,
    full and bare (defaults, nulls)."""
    schema = schema_for(api.app.state.settings)._schema
    for label, build, node_ids in (("Project", Project.from_node, ["p:rich", "p:bare", "p:fraud"]),
                                   ("Artifact", Artifact.from_node, ["a:enc", "a:bare"]),
                                   ("Person", Person.from_node, ["u:ada", "u:bare"])):
        gql_type = schema.get_type(label)
        for node in await reads.nodes_by_id(api.store, label, node_ids):
            assert node is not None
            made = build(node)
            for name, read in NODE_READS[label].items():
                definition = gql_type.fields[name].extensions["strawberry-definition"]
                expected = getattr(made, definition.python_name) if definition.base_resolver is None \
                    else definition.base_resolver(made)
                assert read(node) == expected, (label, node["id"], name)
    for edge_name, readers in EDGE_READS.items():
        assert set(readers) | {"node", "cursor"} == set(schema.get_type(edge_name).fields), edge_name


async def test_the_plan_accepts_only_what_it_can_answer(api: Api) -> None:
    schema = schema_for(api.app.state.settings)
    for query, _ in COMPILED:
        assert compile_nested(schema, query, None) is not None, query
    for query, _ in NOT_COMPILED[:9]:
        assert compile_nested(schema, query, None) is None, query
    assert compile_nested(schema, BENCH, "Nested") is not None
    assert compile_nested(schema, BENCH, "Other") is None  # an unknown operation: the view's error


async def test_the_switch_turns_it_off(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    count = FieldCount(monkeypatch)
    await answer(api, api.client, BENCH, {"projects": 2, "page": 2}, compiled=False)
    assert count.calls > 0


async def test_the_node_limit_still_refuses_with_these_variables(store: GraphStore) -> None:
    await load(store, PEOPLE + PROJECTS + MEMBERS)
    async with serve(store, max_query_hops=8, max_query_nodes=500) as api:
        small = await answer(api, api.client, BENCH, {"projects": 2, "page": 2}, compiled=True)
        assert b'"errors"' not in small[2]
        refused = await answer(api, api.client, BENCH, {"projects": 100, "page": 100}, compiled=True)
        assert refused[:3] == (await answer(api, api.client, BENCH, {"projects": 100, "page": 100}, compiled=False))[:3]
        assert b"above the limit" in refused[2] and sum(refused[3].values()) == 0


async def test_authentication_still_refuses_before_a_compiled_read(store: GraphStore) -> None:
    await load(store, PEOPLE + PROJECTS + MEMBERS)
    query = "{ projects(first: 2) { edges { node { id team { totalCount } } } } }"
    async with serve(store, anonymous_read=False) as api:
        refused = await api.anon.post("/graphql", json={"query": query})
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert (await api.client.post("/graphql", json={"query": query})).status_code == 200


async def test_compiled_nested_reads_are_timed_and_counted_like_any_operation(api: Api) -> None:
    def count(text: str, operation: str) -> float:
        prefix = f'maestro_graphql_operation_seconds_count{{operation="{operation}",outcome="ok"}} '
        lines = [line for line in text.splitlines() if line.startswith(prefix)]
        return float(lines[0].removeprefix(prefix)) if lines else 0.0

    before = (await api.client.get("/metrics")).text
    for _ in range(2):
        got = await answer(api, api.client, BENCH, {"projects": 2, "page": 2}, compiled=True, operation_name="Nested")
        assert got[0] == 200
    after = (await api.client.get("/metrics")).text
    assert count(after, "Nested") == count(before, "Nested") + 2


# --- random documents of the compiled grammar: the same bytes as the executor --------------------
SCALARS = {"Project": PROJECT.split(), "Artifact": ARTIFACT.split() + ["__typename"], "Person": PERSON.split() + ["__typename"]}
# label -> (connection field, node label, edge fields)
CONNECTIONS = {
    "Project": [("team", "Person", ["role", "since", "sinceIso"]), ("artifacts", "Artifact", ["context", "impact", "at", "atIso"])],
    "Person": [("projects", "Project", ["role", "since", "sinceIso"]), ("artifactsCreated", "Artifact", [])],
    "Artifact": [("usedBy", "Project", ["context", "impact", "at", "atIso"]), ("coUsedWith", "Artifact", ["count"])],
}
ROOTS = [("projects", "Project", True), ("artifacts", "Artifact", True), ("persons", "Person", True),
         ('project(id: "p:fraud")', "Project", False), ('project(id: "p:idle")', "Project", False),
         ('person(id: "u:ada")', "Person", False), ('artifact(id: "a:tx")', "Artifact", False)]


class RandomDocument:
    """A document of the compiled grammar drawn from `rng`: random fields, aliases, pages, depths."""

    def __init__(self, rng: Any) -> None:
        self.rng = rng
        self.aliases = 0

    def key(self, name: str) -> str:
        if self.rng.random() < 0.2:
            self.aliases += 1
            return f"x{self.aliases}: {name}"
        return name

    def page(self, root: bool = False) -> str:
        """`first`/`after` of a connection; a root list's cursors are keyset ones (not drawn here)."""
        first = self.rng.choice([None, 0, 1, 2, 5])
        after = None if root else self.rng.choice([None, None, encode_cursor(0)])
        args = ([f"first: {first}"] if first is not None else []) + ([f'after: "{after}"'] if after else [])
        return f"({', '.join(args)})" if args else ""

    def node(self, label: str, depth: int) -> str:
        fields = [self.key(f) for f in self.rng.sample(SCALARS[label], self.rng.randint(1, 4))]
        if self.rng.random() < 0.3:  # a fragment, maybe repeating a leaf selected above
            fields.append(f"... on {label} {{ {self.rng.choice(SCALARS[label])} }}")
        if depth < 3:
            for name, child, edge_fields in self.rng.sample(CONNECTIONS[label], self.rng.randint(0, 2)):
                fields.append(f"{self.key(name)}{self.page()} {{ {self.connection(child, edge_fields, depth + 1)} }}")
        return " ".join(fields)

    def connection(self, label: str, edge_fields: list[str], depth: int) -> str:
        parts = []
        if self.rng.random() < 0.4:
            parts.append(self.key("totalCount"))
        if self.rng.random() < 0.3:
            info = self.rng.sample(["hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"], 2)
            parts.append(f"{self.key('pageInfo')} {{ {' '.join(info)} }}")
        if not parts or self.rng.random() < 0.8:
            extra = ["cursor", *edge_fields]
            edge = [self.key(f) for f in self.rng.sample(extra, self.rng.randint(0, min(2, len(extra))))]
            edge.append(f"{self.key('node')} {{ {self.node(label, depth)} }}")
            parts.append(f"{self.key('edges')} {{ {' '.join(edge)} }}")
        return " ".join(parts)

    def document(self) -> str:
        roots = []
        for i, (field, label, is_list) in enumerate(self.rng.sample(ROOTS, self.rng.randint(1, 2))):
            body = self.connection(label, [], 1) if is_list else self.node(label, 1)
            roots.append(f"r{i}: {field}{self.page(root=True) if is_list else ''} {{ {body} }}")
        return "{ " + " ".join(roots) + " }"


ROUNDS = 40


async def test_random_documents_of_the_compiled_grammar_answer_as_the_executor(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(12)
    count = FieldCount(monkeypatch)
    for _ in range(ROUNDS):
        query = RandomDocument(rng).document()
        expected = await answer(api, api.client, query, {}, compiled=False)
        executed = count.calls
        got = await answer(api, api.client, query, {}, compiled=True)
        assert got == expected, query
        assert count.calls == executed, f"not compiled: {query}"
        assert b'"errors"' not in got[2], query


async def test_the_response_cap_and_the_rate_limit_still_apply_to_compiled_reads(store: GraphStore) -> None:
    await load(store, PEOPLE + PROJECTS + MEMBERS)
    query = "{ projects(first: 10) { edges { node { id name team { edges { node { id name } } } } } } }"
    async with serve(store, max_response_bytes=300, rate_limit_per_minute=0) as api:
        capped = await answer(api, api.client, query, {}, compiled=True)
        assert capped[:3] == (await answer(api, api.client, query, {}, compiled=False))[:3]
        assert b"RESPONSE_TOO_LARGE" in capped[2]
    cheap = "{ projects(first: 2) { edges { node { id team(first: 2) { totalCount } } } } }"  # 6 nodes: 1.06 points
    async with serve(store, rate_limit_per_minute=4) as api:
        statuses = [(await api.client.post("/graphql", json={"query": cheap})).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # the key check of `serve` and two reads spent the bucket


async def test_a_client_asking_for_a_streamed_answer_gets_the_views(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    count = FieldCount(monkeypatch)
    response = await api.client.post("/graphql", json={"query": BENCH, "variables": {"projects": 1, "page": 1}},
                                     headers={"accept": "multipart/mixed"})
    assert response.status_code == 200 and count.calls > 0
