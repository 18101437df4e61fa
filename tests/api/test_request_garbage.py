"""A request's objects are freed when it ends: its answer does not wait for the cyclic collector."""

from __future__ import annotations

import gc

import pytest

from maestro_graph.store.port import GraphStore
from tests.api.conftest import load, serve
from tests.api.test_point_reads import PEOPLE


@pytest.mark.parametrize("compiled", [False, True], ids=["executor", "compiled"])
async def test_a_request_leaves_no_cyclic_garbage_holding_its_answer(store: GraphStore, compiled: bool) -> None:
    """The answer and the loaded rows are freed when the request ends, not at a later collection
    (they used to hang off reference cycles of the execution: ~28,000 dicts in a nested read),
    through the executor and through compiled nested reads alike."""
    await load(store, [*PEOPLE, *[{"kind": "project", "id": f"p:{i}", "name": f"n{i}"} for i in range(60)],
                       *[{"kind": "membership", "person": "u:ada", "project": f"p:{i}"} for i in range(60)]])
    query = "{ projects(first: 60) { edges { node { id name team { edges { node { id name projects(first: 60) " \
            "{ edges { node { id name } } } } } } } } } }"
    async with serve(store, max_query_nodes=10**6, compiled_nested_reads=compiled) as api:
        await api.client.post("/graphql", json={"query": query})  # warm: caches, plans
        gc.collect()
        gc.disable()
        try:
            body = (await api.client.post("/graphql", json={"query": query})).json()
            answer_dicts = str(body).count("{")
            unreachable = gc.collect()
        finally:
            gc.enable()
    assert answer_dicts > 7000 and not body.get("errors")
    assert unreachable < 1000, f"{unreachable} objects were left to the cyclic collector"
