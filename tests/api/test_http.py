"""Plain HTTP beside GraphQL (`/`, `/healthz`, `/metrics`, GraphiQL) and how errors reach a client."""

from __future__ import annotations

import asyncio
import gc

import pytest

import maestro_graph
from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, gql_error, load, post, serve

PROJECT_METRICS = 'query($id: ID!, $since: EpochMillis) { project(id: $id) { metrics(since: $since) { totalCount } } }'


async def test_root_names_the_app_its_version_and_that_it_runs(api: Api) -> None:
    response = await api.client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"app": "Maestro ML Platform", "version": maestro_graph.__version__, "status": "running"}


async def test_the_start_up_heap_is_frozen_while_serving_and_released_at_shutdown(store: GraphStore) -> None:
    """Full collections skip what start-up built (a 275 ms pause mid-request otherwise); an app
    stopped inside a longer-lived process gives it back to the collector."""
    gc.unfreeze()
    async with serve(store) as served:
        assert gc.get_freeze_count() > 10_000  # the modules, the schema and the app itself
        assert (await served.client.get("/healthz")).status_code == 200
    assert gc.get_freeze_count() == 0


async def test_healthz_answers_ok_with_the_store_it_serves(api: Api) -> None:
    response = await api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "store": "falkordb", "graph": api.store.graph}


async def test_metrics_expose_store_call_timings_after_a_query(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "timed"}])
    await gql(api.client, '{ projects { totalCount } }')
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert any(line.startswith("# TYPE maestro_store_call_seconds histogram") for line in lines)
    counted = [line for line in lines
               if line.startswith("maestro_store_call_seconds_count{") and 'statement="projects_page"' in line]
    assert counted and float(counted[0].rsplit(" ", 1)[1]) >= 1


async def test_graphiql_is_served_to_a_browser_with_the_example_queries(api: Api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "Maestro Graph" in page and "graphiql" in page.lower()
    for example in ("query SuccessfulClassification", "query PipelineTeams", "query Library",
                    'searchArtifacts(query: "text encoder"'):
        assert example in page


async def test_asking_for_an_unknown_field_is_a_validation_error_that_names_it(api: Api) -> None:
    error = await gql_error(api.client, '{ projects { totalCount colour } }')
    assert error["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "colour" in error["message"]


async def test_a_syntax_error_is_a_validation_error_with_its_location(api: Api) -> None:
    body = await post(api.client, '{ projects { totalCount ')
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["locations"][0]["line"] == 1


async def test_a_store_failure_reaches_the_client_as_a_generic_internal_error(api: Api) -> None:
    """The graph vanishes under the running server: the client learns that, and nothing of the internals."""
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "doomed"}])
    await gql(api.client, '{ projects { totalCount } }')
    await api.store.drop_graph(api.store.graph)
    for query in ('{ projects { totalCount } }', '{ searchArtifacts(query: "doomed") { totalCount } }'):
        body = await post(api.client, query)
        [error] = body["errors"]
        assert error["message"] == "internal error"
        assert error["extensions"] == {"code": "INTERNAL"}
        assert "graph" not in error["message"] and "key" not in error["message"]


async def test_a_malformed_time_argument_is_the_clients_validation_error(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "timed"}])
    as_variable = await gql_error(api.client, PROJECT_METRICS, id="p:1", since="yesterday-ish")
    as_literal = await gql_error(api.client, '{ project(id: "p:1") { metrics(since: "yesterday-ish") { totalCount } } }')
    for error in (as_variable, as_literal):
        assert error["code"] == "INVALID_INPUT"
        assert "EpochMillis" in error["message"]


async def test_a_domain_error_in_a_query_carries_its_code_and_field(api: Api) -> None:
    error = await gql_error(api.client, '{ projects(first: -1) { totalCount } }')
    assert (error["code"], error["field"]) == ("INVALID_INPUT", "first")
    assert "between 0 and 100" in error["message"]


def hops(n: int) -> str:
    """project → team → projects → team ... n hops in all (the root field is the first), Relay style."""
    fields = ["team", "projects"] * n
    inner = "id"
    for name in reversed(fields[:n - 1]):
        inner = f"{name} {{ edges {{ node {{ {inner} }} }} }}"
    return f'{{ project(id: "p:1") {{ {inner} }} }}'


async def test_a_four_hop_traversal_is_within_the_depth_limit(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "deep"}])
    body = await post(api.client, hops(4))
    assert "errors" not in body and body["data"]["project"]["team"]["edges"] == []
    documented = ('{ project(id: "p:1") { team { edges { node { projects { edges { node {'
                  ' artifacts { edges { node { name } } } } } } } } } } }')
    assert "errors" not in await post(api.client, documented)


@pytest.mark.parametrize(("query", "says"), [
    (hops(5), "depth"),
    ("{ " + " ".join(f'a{i}: project(id: "p:1") {{ id }}' for i in range(31)) + " }", "aliases"),
])
async def test_an_abusive_query_is_refused_before_it_reaches_the_store(api: Api, query: str, says: str) -> None:
    api.store.calls.clear()
    error = await gql_error(api.client, query)
    assert error["code"] == "GRAPHQL_VALIDATION_FAILED" and says in error["message"]
    assert sum(api.store.calls.values()) == 0


async def test_limits_hold_for_each_of_many_concurrent_requests(api: Api) -> None:
    """Each request is judged on its own document, whatever else is in flight."""
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "busy"}])
    fine = '{ a: project(id: "p:1") { name } b: project(id: "p:1") { name } }'
    abusive = "{ " + " ".join(f'a{i}: project(id: "p:1") {{ id }}' for i in range(31)) + " }"
    bodies = await asyncio.gather(*(post(api.client, abusive if i % 2 else fine) for i in range(40)))
    for i, body in enumerate(bodies):
        if i % 2:
            assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        else:
            assert body == {"data": {"a": {"name": "busy"}, "b": {"name": "busy"}}}
