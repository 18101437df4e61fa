"""The store port's contract, run against every configured backend (see `backend_store`)."""

from __future__ import annotations

import pytest

from maestro_graph.errors import Conflict
from maestro_graph.store.port import GraphStore


async def count(store: GraphStore) -> tuple[int, int]:
    row = (await store.read("graph_counts"))[0]
    return row["nodes"], row["edges"]


async def test_bootstrap_is_idempotent_and_enforces_unique_ids(backend_store: GraphStore) -> None:
    await backend_store.bootstrap()  # a second time: no error, nothing duplicated
    await backend_store.write("create_project", {"props": {"id": "p:1", "name": "a"}})
    with pytest.raises(Conflict):
        await backend_store.write("create_project", {"props": {"id": "p:1", "name": "b"}})
    rows = await backend_store.read("export_projects", {"after": "", "limit": 10})
    assert [r["props"]["name"] for r in rows] == ["a"]


async def test_a_failed_batch_writes_nothing(backend_store: GraphStore) -> None:
    rows = [{"id": f"p:{i}", "props": {"name": f"n{i}"}} for i in range(5)]
    await backend_store.write("import_projects", {"rows": rows[:2]})
    # A row whose property is a map is rejected by both backends: the whole statement must fail.
    bad = rows[2:] + [{"id": "p:bad", "props": {"name": {"nested": 1}}}]
    with pytest.raises(Exception):
        await backend_store.write("import_projects", {"rows": bad})
    assert await count(backend_store) == (2, 0)


async def test_graphs_are_isolated(backend_store: GraphStore) -> None:
    if backend_store.dialect == "neo4j":
        pytest.skip("Neo4j Community has a single database; isolation there is by wiping")
    other = backend_store.for_graph(backend_store.graph + "_other")
    await other.bootstrap()
    try:
        await other.write("create_project", {"props": {"id": "p:1", "name": "elsewhere"}})
        assert await count(backend_store) == (0, 0)
        assert await count(other) == (1, 0)
    finally:
        await other.drop_graph(other.graph)


async def test_vector_search_finds_nearest(backend_store: GraphStore) -> None:
    def unit(i: int) -> list[float]:
        v = [0.0] * 384
        v[i] = 1.0
        v[(i + 1) % 384] = 0.2
        return v

    rows = [{"id": f"p:{i}", "props": {"name": f"n{i}"}} for i in range(20)]
    await backend_store.write("import_projects", {"rows": rows})
    await backend_store.write("set_project_embeddings", {"rows": [{"id": f"p:{i}", "vector": unit(i)} for i in range(20)]})
    hits = await backend_store.vector_search("Project", "embedding", unit(7), 3)
    assert hits[0][0]["id"] == "p:7"
    assert hits[0][1] == pytest.approx(1.0, abs=1e-3)
    assert len(hits) == 3 and hits[0][1] >= hits[1][1] >= hits[2][1]


async def test_health(backend_store: GraphStore) -> None:
    assert await backend_store.health() is True
    assert (await backend_store.read("ping"))[0]["ok"] == 1
