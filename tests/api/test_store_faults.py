"""What a client sees when the store is slow: code TIMEOUT, nothing internal, the service fine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore
from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, load, post, serve

N = 100  # artifacts, each derived from every other: ~N**3 three-hop lineage paths from any one
LINEAGE = '{ artifact(id: "a:0") { lineage(direction: BOTH, depth: 3) { totalCount } } }'


@pytest_asyncio.fixture
async def impatient(store: GraphStore, falkordb_server: EmbeddedFalkorDB) -> AsyncIterator[Api]:
    """The app on a dense lineage graph, with a store whose calls get 0.2 s."""
    records = [{"kind": "artifact", "id": f"a:{i}", "name": f"artifact-{i}", "artifactType": "schema",
                "version": "1.0.0"} for i in range(N)]
    records += [{"kind": "lineage", "from": f"a:{i}", "to": f"a:{j}", "type": "DERIVED_FROM"}
                for i in range(N) for j in range(N) if i != j]
    await load(store, records)
    short = FalkorDBStore.connect(socket_path=str(falkordb_server.socket_path), graph=store.graph,
                                  pool_size=2, timeout_s=0.2)
    try:
        async with serve(short) as api:
            yield api
    finally:
        await short.close()


async def test_a_query_past_the_store_timeout_answers_timeout_and_the_next_one_works(impatient: Api) -> None:
    body = await post(impatient.client, LINEAGE)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert "0.2s" in error["message"]
    assert (await gql(impatient.client, '{ artifact(id: "a:1") { name } }'))["artifact"]["name"] == "artifact-1"
    assert (await impatient.client.get("/healthz")).status_code == 200
