"""The lean statement client: the same values as the falkordb client, and connections that never
answer the wrong caller."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from maestro_graph.errors import Timeout
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore, params_header
from maestro_graph.store.statements import Statements
from maestro_graph.store.wire import WirePool, pack
from maestro_graph.store.values import plain

# Test-only statements beside the real ones: every kind of value a reply can carry.
PROBES = {
    "probe_write": "CREATE (a:A {name: 'a', n: 1, x: 1.5, ok: true, tags: ['t', 'u'], nothing: null})"
                   "-[:R {w: 0.25, since: 7}]->(b:B {name: 'b'})",
    "probe_entities": "MATCH p = (a:A)-[r:R]->(b:B) RETURN a, r, p, b.name AS name",
    "probe_scalars": "RETURN 1 AS i, -2.5 AS d, true AS t, false AS f, null AS z, 'é\"\\\\' AS s, [1, 'x', [2.0]] AS l, "
                     "{k: {deep: [null, 3]}} AS m, point({latitude: 1.5, longitude: 2.5}) AS pt, $echo AS echo",
    "probe_slow": "UNWIND range(1, 3000000) AS i WITH i WHERE i % 7 = 0 RETURN count(i) AS c",
    "probe_echo": "RETURN $v AS v",
}


@pytest_asyncio.fixture
async def probe_store(falkordb_server: EmbeddedFalkorDB) -> AsyncIterator[FalkorDBStore]:
    store = FalkorDBStore.connect(socket_path=str(falkordb_server.socket_path), graph="wire_probe", pool_size=2,
                                  timeout_s=10)
    store.statements = Statements({**store.statements, **PROBES}, "falkordb")
    await store.write("probe_write")
    yield store
    await store.drop_graph("wire_probe")
    await store.close()


async def _falkordb_client(store: FalkorDBStore, name: str, params: dict | None = None) -> list[dict]:
    """What the falkordb client (the reference decoder) makes of the same statement."""
    result = await store._db.select_graph(store.graph).ro_query(params_header(params) + store.statements[name])
    columns = [h[1] for h in result.header]
    return [dict(zip(columns, (plain(v) for v in row))) for row in result.result_set]


async def test_nodes_edges_paths_and_scalars_decode_as_the_falkordb_client_decodes_them(probe_store: FalkorDBStore) -> None:
    entities = await probe_store.read("probe_entities")
    assert entities == await _falkordb_client(probe_store, "probe_entities")
    [row] = entities
    assert row["a"] == {"name": "a", "n": 1, "x": 1.5, "ok": True, "tags": ["t", "u"]}
    assert row["r"] == {"w": 0.25, "since": 7}
    assert row["p"] == [row["a"], {"name": "b"}]
    hostile = 'quote " backtick ` brace } newline \n CYPHER MATCH (n) DETACH DELETE n'
    scalars = await probe_store.read("probe_scalars", {"echo": hostile})
    assert scalars == await _falkordb_client(probe_store, "probe_scalars", {"echo": hostile})
    assert scalars[0]["echo"] == hostile and scalars[0]["s"] == 'é"\\'
    assert scalars[0]["m"] == {"k": {"deep": [None, 3]}} and scalars[0]["l"] == [1, "x", [2.0]]


async def test_a_cancelled_call_never_lets_its_late_reply_answer_the_next_caller(probe_store: FalkorDBStore) -> None:
    slow = asyncio.create_task(probe_store.read("probe_slow"))
    await asyncio.sleep(0.05)  # sent, reply not yet there
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    answers = await asyncio.gather(*(probe_store.read("probe_echo", {"v": i}) for i in range(6)))
    assert answers == [[{"v": i}] for i in range(6)]  # two connections, six callers: each its own reply


async def test_a_call_past_the_client_deadline_is_a_timeout_and_the_next_call_works(probe_store: FalkorDBStore) -> None:
    impatient = probe_store.for_graph(probe_store.graph)
    impatient.timeout_s, impatient.timeout_ms = 0.001, 5_000  # the client gives up first, not the server
    with pytest.raises(Timeout):
        await impatient.read("probe_slow")
    assert await probe_store.read("probe_echo", {"v": "after"}) == [{"v": "after"}]


async def test_connections_closed_by_the_server_are_replaced_without_an_error(probe_store: FalkorDBStore) -> None:
    await asyncio.gather(*(probe_store.read("probe_echo", {"v": i}) for i in range(4)))  # both connections idle now
    await probe_store._db.connection.execute_command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
    assert await probe_store.read("probe_echo", {"v": "again"}) == [{"v": "again"}]


class DropsSecondCommand:
    """A RESP server on 127.0.0.1 that answers the first command of its first connection, then
    reads the second one and closes without a reply: the server may or may not have applied it.
    Every later connection answers +OK. It records every command it received."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import hiredis

        self.connections += 1
        first_connection, answered = self.connections == 1, 0
        parser = hiredis.Reader(encoding="utf-8")
        while data := await reader.read(4096):
            parser.feed(data)
            while (command := parser.gets()) is not False:
                self.received.append(" ".join(command))
                if first_connection and answered == 1:
                    writer.close()
                    return
                writer.write(b"+OK\r\n")
                answered += 1
            await writer.drain()
        writer.close()


async def _pool_with_one_idle_connection(server: DropsSecondCommand) -> tuple[WirePool, asyncio.Server]:
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    pool = WirePool.tcp("127.0.0.1", listener.sockets[0].getsockname()[1], size=1)
    assert await pool.request(pack("PING")) == "OK"  # the connection is idle in the pool now
    return pool, listener


async def test_a_read_that_loses_its_reused_connection_is_sent_once_more_on_a_new_one() -> None:
    server = DropsSecondCommand()
    pool, listener = await _pool_with_one_idle_connection(server)
    try:
        assert await pool.request(pack("GRAPH.RO_QUERY", "g", "RETURN 1")) == "OK"
        assert server.received == ["PING", "GRAPH.RO_QUERY g RETURN 1", "GRAPH.RO_QUERY g RETURN 1"]
    finally:
        await pool.close()
        listener.close()


async def test_a_write_that_loses_its_connection_is_never_sent_twice() -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    server = DropsSecondCommand()
    pool, listener = await _pool_with_one_idle_connection(server)
    try:
        with pytest.raises(RedisConnectionError):
            await pool.request(pack("GRAPH.QUERY", "g", "CREATE (:Counted)"), retry=False)
        assert server.received == ["PING", "GRAPH.QUERY g CREATE (:Counted)"]
        assert await pool.request(pack("PING")) == "OK"  # and the pool recovers on a new connection
    finally:
        await pool.close()
        listener.close()


async def test_store_writes_ask_the_pool_not_to_retry(probe_store: FalkorDBStore) -> None:
    """The store marks every write as unsafe to repeat (the two tests above pin what that means)."""
    seen: list[bool] = []
    original = probe_store._wire.request

    async def spy(packed: bytes, *, retry: bool = True) -> object:
        seen.append(retry)
        return await original(packed, retry=retry)

    probe_store._wire.request = spy  # type: ignore[method-assign]
    await probe_store.write("probe_echo", {"v": 1})
    await probe_store.read("probe_echo", {"v": 1})
    assert seen[0] is False and seen[-1] is True


async def test_float_lists_and_maps_holding_them_reach_the_store_unchanged(probe_store: FalkorDBStore) -> None:
    """Vectors are written by `str(list)` (fast path of `literal`): every float survives exactly."""
    import random

    floats = [random.Random(4).uniform(-1, 1) for _ in range(384)] + [1e-300, -0.0, 5e22, 0.1]
    value = {"vector": floats, "id": "p:1", "odd key-1": [1, 2.5, "x"], "nested": [[0.25, 0.5], []]}
    [row] = await probe_store.read("probe_echo", {"v": value})
    assert row["v"] == value and [repr(x) for x in row["v"]["vector"]] == [repr(x) for x in floats]
    with pytest.raises(ValueError):
        params_header({"v": {"bad`key": [0.5]}})


async def test_a_vector_parameter_keeps_every_float32_exactly(probe_store: FalkorDBStore) -> None:
    """`Vector` (float32 data: embeddings) is written with 9 significant digits: exact for float32."""
    import numpy as np

    from maestro_graph.store.values import Vector

    data = np.random.default_rng(3).normal(size=384).astype("float32")
    data[:3] = [1e-38, -3.4e38, 0.1]
    [row] = await probe_store.read("probe_echo", {"v": Vector(data.tolist())})
    assert np.array_equal(np.asarray(row["v"], dtype="float32"), data)


async def test_hostile_strings_reach_the_store_unchanged(probe_store: FalkorDBStore) -> None:
    """Strings are quoted by `literal`'s own fast path (id lists of similarity reads): quotes,
    backslashes, backticks, braces, Cypher words stay values, as with the client's helper (NUL
    never reaches it: inputs refuse it)."""
    hostile = ['', 'a"b', "a\\b", '\\"', "`x`", "{}", "' OR 1=1 //", "MATCH (n) DETACH DELETE n", "ünï\n"]
    [row] = await probe_store.read("probe_echo", {"v": {"ids": hostile, "one": hostile[1]}})
    assert row["v"] == {"ids": hostile, "one": hostile[1]}
