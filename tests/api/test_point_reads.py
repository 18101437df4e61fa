"""Compiled point reads (`api/point_reads.py`) answer exactly as the GraphQL executor does.

Every test compares the whole HTTP answer (status, headers, bytes) with the same request sent
while `compiled_point_reads` is off, on the same app and store, and checks by counting
graphql-core's field executions which side actually answered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from maestro_graph.api.graphql import schema_for
from maestro_graph.api.point_reads import compile_point_read
from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, answer_with, load, serve
from tests.api.test_execution import FieldCount
from tests.api.test_prefetch import RICH

PEOPLE = [{"kind": "person", "id": "u:ada", "name": "Ada", "role": "lead", "skills": ["ml", "graphs"]},
          {"kind": "person", "id": "u:bob", "name": "Bob"}]
ARTIFACTS = [{"kind": "artifact", "id": "a:enc", "name": "encoder", "version": "2.1.0", "artifactType": "model_template",
              "description": "text encoder", "tags": ["nlp"], "storagePath": "s3://x", "createdBy": "u:ada"},
             {"kind": "artifact", "id": "a:bare", "name": "bare", "artifactType": "other"}]
BARE = {"kind": "project", "id": "p:bare", "name": "bare"}

PROJECT_SCALARS = "id name description problemClass problemSubclass complexityScore status repository"
ARTIFACT_SCALARS = "id name artifactType version description storagePath createdBy"
PERSON_SCALARS = "id name role"
COMPILED = [
    ('{ project(id: "p:rich") { %s } }' % PROJECT_SCALARS, {}),
    ('{ project(id: "p:bare") { %s } }' % PROJECT_SCALARS, {}),  # nulls, defaults
    ('{ project(id: "p:none") { id name } }', {}),  # not found: null
    ('query One($id: ID!) { it: project(id: $id) { key: id n: name status name } }', {"id": "p:rich"}),
    ('query One($id: ID!) { project(id: $id) { id } }', {"id": "p:none"}),
    ('query Art { artifact(id: "a:enc") { %s } }' % ARTIFACT_SCALARS, {}),
    ('{ artifact(id: "a:bare") { %s } }' % ARTIFACT_SCALARS, {}),
    ('{ person(id: "u:ada") { %s } }' % PERSON_SCALARS, {}),
    ('{ person(id: "u:bob") { %s } }' % PERSON_SCALARS, {}),
    ('{ project(id: "p:\\u00e9t\\u00e9 \\"q\\"") { id } }', {}),
]
# Shapes the compiler leaves to the executor; each must still answer alike.
NOT_COMPILED = [
    ('{ project(id: "p:rich") { id tags } }', {}),  # a list
    ('{ project(id: "p:rich") { id startedAt startedAtIso } }', {}),  # a custom scalar, a resolver
    ('{ project(id: "p:rich") { __typename id } }', {}),
    ('{ project(id: "p:rich") { id outcome { success } } }', {}),
    ('{ project(id: "p:rich") { id teamSize } }', {}),
    ('{ project(id: "p:rich") { ...F } } fragment F on Project { id }', {}),
    ('{ project(id: "p:rich") { id name @include(if: true) } }', {}),
    ('{ a: project(id: "p:rich") { id } b: project(id: "p:bare") { id } }', {}),
    ('query Q($id: ID!) { project(id: $id) { id } }', {"id": 7}),  # an Int for an ID: coerced by graphql-core
    ('query Q($id: ID!) { project(id: $id) { id } }', {}),  # missing variable: an error
    ('query Q($id: ID!) { project(id: $id) { id } }', {"id": "p:rich", "other": 1}),
    ('query Q($id: String!) { project(id: $id) { id } }', {"id": "p:rich"}),  # invalid: wrong variable type
    ('query Q($id: ID) { project(id: $id) { id } }', {"id": "p:rich"}),  # invalid: nullable for ID!
    ('{ project(id: "p:rich") { id nosuch } }', {}),  # invalid: unknown field
    ('{ project(id: "p:\\u0000") { id } }', {}),  # unstorable: the argument guard's INVALID_INPUT
    ('{ projects(first: 1) { edges { node { id } } } }', {}),
    ('mutation { deleteProject(id: "p:rich") { __typename } }', {}),  # refused: editors may not delete
]


@pytest.fixture
async def api(store: GraphStore) -> AsyncIterator[Api]:
    await load(store, [RICH, BARE, {"kind": "project", "id": 'p:été "q"', "name": "quoted"}, *PEOPLE, *ARTIFACTS])
    async with serve(store) as served:
        yield served


async def answer(api: Api, client: httpx.AsyncClient, query: str, variables: dict[str, Any], *,
                 compiled: bool, operation_name: str | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body (a point read may take other store calls than the executor's)."""
    got = await answer_with(api, client, query, variables, setting="compiled_point_reads", enabled=compiled,
                            operation_name=operation_name)
    return got[:3]


@pytest.mark.parametrize(("query", "variables"), COMPILED)
async def test_a_compiled_point_read_answers_the_same_bytes_without_the_executor(
        api: Api, monkeypatch: pytest.MonkeyPatch, query: str, variables: dict[str, Any]) -> None:
    expected = await answer(api, api.client, query, variables, compiled=False)
    count = FieldCount(monkeypatch)
    got = await answer(api, api.client, query, variables, compiled=True)
    assert got == expected
    assert count.calls == 0, "the executor answered: the query was not compiled"
    assert b'"errors"' not in got[2]


@pytest.mark.parametrize(("query", "variables"), NOT_COMPILED)
async def test_other_shapes_go_through_the_executor_and_answer_alike(
        api: Api, monkeypatch: pytest.MonkeyPatch, query: str, variables: dict[str, Any]) -> None:
    expected = await answer(api, api.client, query, variables, compiled=False)
    got = await answer(api, api.client, query, variables, compiled=True)
    assert got == expected


async def test_the_compiler_accepts_only_the_point_read_shape(api: Api) -> None:
    schema = schema_for(api.app.state.settings)
    for query, _ in COMPILED:
        assert compile_point_read(schema, query, None) is not None, query
    for query, variables in NOT_COMPILED:
        plan = compile_point_read(schema, query, None)
        # a shape may compile and still be answered by the view when its variables need an error
        assert plan is None or plan.node_id(variables) is None, query
    one = 'query A { project(id: "p:rich") { id } }'
    assert compile_point_read(schema, one, "A") is not None
    assert compile_point_read(schema, one, "B") is None  # an unknown operation name: the view's error


async def test_an_unknown_operation_name_gets_the_views_error(api: Api) -> None:
    query = 'query A { project(id: "p:rich") { id } }'
    expected = await answer(api, api.client, query, {}, compiled=False, operation_name="B")
    assert await answer(api, api.client, query, {}, compiled=True, operation_name="B") == expected
    assert expected[0] == 400 and b'Unknown operation named "B"' in expected[2]


async def test_authentication_still_refuses_before_a_compiled_read(store: GraphStore) -> None:
    await load(store, [RICH])
    query = '{ project(id: "p:rich") { id name } }'
    async with serve(store, anonymous_read=False) as api:
        refused = await api.anon.post("/graphql", json={"query": query})
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        wrong = await api.anon.post("/graphql", json={"query": query}, headers={"Authorization": "Bearer mgk_nope"})
        assert wrong.status_code == 401
        assert (await api.client.post("/graphql", json={"query": query})).json() == {
            "data": {"project": {"id": "p:rich", "name": "rich"}}}


async def test_the_rate_limit_still_charges_compiled_reads(store: GraphStore) -> None:
    await load(store, [RICH])
    async with serve(store, rate_limit_per_minute=3) as api:
        statuses = [(await api.client.post("/graphql", json={"query": '{ project(id: "p:rich") { id } }'})).status_code
                    for _ in range(4)]
    assert statuses[-1] == 429  # the key check of `serve` and three reads spent the bucket


async def test_compiled_reads_are_timed_and_counted_like_any_operation(api: Api) -> None:
    def count(text: str, operation: str) -> float:
        prefix = f'maestro_graphql_operation_seconds_count{{operation="{operation}",outcome="ok"}} '
        lines = [line for line in text.splitlines() if line.startswith(prefix)]
        return float(lines[0].removeprefix(prefix)) if lines else 0.0

    before = (await api.client.get("/metrics")).text
    for _ in range(3):
        response = await api.client.post("/graphql", json={"query": 'query CompiledCounted { project(id: "p:rich") { id } }'})
        assert response.json() == {"data": {"project": {"id": "p:rich"}}}
    after = (await api.client.get("/metrics")).text
    assert count(after, "CompiledCounted") == count(before, "CompiledCounted") + 3


async def test_the_store_is_read_once_per_compiled_read(api: Api) -> None:
    api.store.calls.clear()
    await api.client.post("/graphql", json={"query": '{ project(id: "p:rich") { id name status } }'})
    assert dict(api.store.calls) == {"projects_by_id": 1}



async def test_a_store_that_fails_answers_as_through_the_executor(tmp_path: Any) -> None:
    """The server stopped: the compiled read hands over to the view, which words the error."""
    from maestro_graph.api.app import create_app
    from maestro_graph.store.embedded import EmbeddedFalkorDB
    from maestro_graph.store.falkordb import FalkorDBStore
    from tests.api.conftest import settings_for_tests

    server = EmbeddedFalkorDB(tmp_path)
    server.start()
    try:
        dead = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="g", timeout_s=0.5)
    finally:
        server.stop()
    app = create_app(settings_for_tests(embedding_warmup=False), store=dead)
    query = '{ project(id: "p:1") { id name } }'
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as anon:
                api = Api(app, anon, anon, {})
                expected = await answer(api, anon, query, {}, compiled=False)
                got = await answer(api, anon, query, {}, compiled=True)
    finally:
        await dead.close()
    assert got == expected
    assert b'"STORE_UNAVAILABLE"' in got[2]
