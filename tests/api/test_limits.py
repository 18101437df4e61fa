"""Query limits that hold: hops, requested nodes, fragments, the time budget, the response size.

Every refused query is refused before it reaches the store (counted by the instrumented store).
"""

from __future__ import annotations

import asyncio
from typing import Any

from maestro_graph.api.guard import GraphQLGuard
from maestro_graph.api.ratelimit import RateLimiter
from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, gql_error, load, post, serve

ATTACK = ('{ projects(first: 100) { edges { node { team { edges { node { projects { edges { node {'
          ' artifacts { edges { node { usedBy { edges { node { id } } } } } } } } } } } } } } }')


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the next one twice: 2**levels fields if expanded naively."""
    parts = [f"fragment F{i} on Project {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on Project {{ id name }}")
    return '{ project(id: "p:1") { ...F0 } } ' + " ".join(parts)


served = serve  # the test app with one key per role; keyword arguments override settings


async def test_a_fragment_bomb_is_refused_without_expanding_it(api: Api) -> None:
    api.store.calls.clear()
    body = await post(api.client, fragment_bomb(40))
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert sum(api.store.calls.values()) == 0


async def test_a_small_fragment_tree_still_runs(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "frag"}])
    assert await gql(api.client, fragment_bomb(3)) == {"project": {"id": "p:1", "name": "frag"}}


async def test_the_five_hop_fan_out_is_refused_before_it_runs(api: Api) -> None:
    api.store.calls.clear()
    error = await gql_error(api.client, ATTACK)
    assert error["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert sum(api.store.calls.values()) == 0


async def test_nested_pages_multiply_into_a_node_count_that_is_refused(api: Api) -> None:
    """100 projects × 100 members × 100 of their projects = 1,010,100 nodes: over the 50,000 limit."""
    api.store.calls.clear()
    query = ('query($n: Int) { projects(first: 100) { edges { node { team(first: $n) { edges { node {'
             ' projects(first: 100) { totalCount } } } } } } } }')
    error = await gql_error(api.client, query, n=100)
    assert "1010100 nodes" in error["message"] and "50000" in error["message"]
    assert sum(api.store.calls.values()) == 0
    # the same shape with small pages is fine: 100 + 100×2 + 100×2×2 = 700 nodes
    assert "errors" not in await post(api.client, query.replace("first: 100) { totalCount", "first: 2) { totalCount"), {"n": 2})


async def test_aliases_count_once_each_toward_the_node_limit(store: GraphStore) -> None:
    async with served(store, max_query_nodes=250) as api:
        two = "{ a: projects(first: 100) { totalCount } b: projects(first: 100) { totalCount } }"
        three = two[:-1] + " c: projects(first: 100) { totalCount } }"
        assert "errors" not in await post(api.client, two)
        assert "300 nodes" in (await gql_error(api.client, three))["message"]


async def test_a_request_over_its_time_budget_is_stopped_with_timeout(store: GraphStore) -> None:
    async with served(store, request_timeout_s=0.000001) as api:
        body = await post(api.client, '{ projects { totalCount } }')
        assert body == {"data": None, "errors": [{"message": body["errors"][0]["message"], "extensions": {"code": "TIMEOUT"}}]}
        assert "budget" in body["errors"][0]["message"]


async def test_a_response_over_the_size_cap_is_replaced_by_an_error(store: GraphStore) -> None:
    await load(store, [{"kind": "project", "id": f"p:{i}", "name": "x" * 200} for i in range(20)])
    async with served(store, max_response_bytes=2000) as api:
        small = await post(api.client, '{ projects(first: 2) { edges { node { id } } } }')
        assert len(small["data"]["projects"]["edges"]) == 2
        big = await post(api.client, '{ projects(first: 20) { edges { node { name } } } }')
        assert big["data"] is None and big["errors"][0]["extensions"]["code"] == "RESPONSE_TOO_LARGE"


async def test_a_client_that_disconnects_cancels_the_work() -> None:
    """The guard races the app against the client's disconnect and cancels it."""
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def endless(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    guard = GraphQLGuard(endless, cost=lambda *_: 1.0, max_body_bytes=1000, max_response_bytes=1000,
                         timeout_s=3600, rate_limiter=RateLimiter(0))
    messages = [{"type": "http.request", "body": b'{"query": "{ projects { totalCount } }"}', "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await started.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/graphql", "method": "POST", "headers": [(b"content-type", b"application/json")],
             "client": ("127.0.0.1", 5000)}
    await asyncio.wait_for(guard(scope, receive, send), 10)
    assert cancelled.is_set() and sent == []


async def test_an_execution_fault_is_masked_as_internal_never_as_a_validation_error() -> None:
    """A null for a non-null field arises while executing: INTERNAL, and its text is not shown."""
    from graphql import GraphQLError

    from maestro_graph.api.schema import unexpected

    assert unexpected(GraphQLError("Cannot return null for non-nullable field Project.name.", path=["project", "name"]))
    assert not unexpected(GraphQLError("Cannot query field 'colour' on type 'Project'."))
