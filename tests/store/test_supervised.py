"""The embedded store looks after itself: restarted when killed, private files, bounded calls.

Each test runs its own server on its own `tmp_path` (never the session server) and stops it in
a `finally`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import stat
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from maestro_graph.api.app import create_app
from maestro_graph.config import Settings
from maestro_graph.errors import StoreUnavailable, Timeout
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore
from maestro_graph.store.statements import Statements
from tests.conftest import write_jsonl
from tests.store.test_embedded import alive, free_port, run_cli, serving, store_pid, wait_dead, wait_serving

RECOVERY_BOUND_S = 60.0  # a bound for the polling loop, not a performance claim

# On a complete graph of 60 nodes, paths of up to 6 hops take minutes to count: what a fan-out
# query looks like to the store. Test-only statements, beside the real ones.
PROBE_STATEMENTS = {
    "probe_nodes": "UNWIND range(1, $n) AS i CREATE (:X {i: i})",
    "probe_edges": "MATCH (a:X), (b:X) WHERE a.i <> b.i CREATE (a)-[:R]->(b)",
    "slow": "MATCH (a:X)-[*1..6]->(b) RETURN count(*) AS c",
    "slow_write": "MATCH (a:X)-[*1..6]->(b) WITH count(*) AS c CREATE (:Probe {c: c})",
    "probes": "MATCH (p:Probe) RETURN count(p) AS c",
}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def _until_ok(check: object, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RECOVERY_BOUND_S
    while True:
        try:
            if await check():  # type: ignore[operator]
                return
        except StoreUnavailable:
            pass
        assert loop.time() < deadline, f"{what} did not come back within {RECOVERY_BOUND_S:.0f}s"
        await asyncio.sleep(0.1)


async def test_a_killed_store_is_restarted_and_serves_every_acknowledged_write(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = EmbeddedFalkorDB(tmp_path / "data", fsync="always", supervise=True).start()
    store = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="kept", pool_size=4, timeout_s=5)
    try:
        await store.bootstrap()
        rows = [{"id": f"p:{i}", "props": {"name": f"project {i}"}} for i in range(50)]
        await store.write("import_projects", {"rows": rows})
        app = create_app(Settings(_env_file=None), store=store)  # type: ignore[call-arg]
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as client:
            assert (await client.get("/healthz")).status_code == 200
            killed = server.pid
            assert killed is not None
            with caplog.at_level(logging.ERROR, logger="maestro_graph.store.embedded"):
                os.kill(killed, signal.SIGKILL)

                async def healthy() -> bool:
                    return (await client.get("/healthz")).status_code == 200

                await _until_ok(healthy, "/healthz")
            assert server.pid != killed and server.restarts == 1
            assert any(r.levelno == logging.ERROR and "restarting" in r.getMessage() for r in caplog.records)
            body = (await client.post("/graphql", json={"query": '{ project(id: "p:49") { name } }'})).json()
            assert body == {"data": {"project": {"name": "project 49"}}}
        assert (await store.read("graph_counts"))[0]["nodes"] == 50
        await store.write("import_projects", {"rows": [{"id": "p:new", "props": {"name": "after"}}]})
    finally:
        await store.close()
        server.stop()
    assert not server.running()


def test_a_server_that_is_not_supervised_stays_down(tmp_path: Path) -> None:
    """Short-lived commands attach and never restart: only the owner that asked supervises."""
    server = EmbeddedFalkorDB(tmp_path / "data").start()
    try:
        pid = server.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert not server.running() and server.restarts == 0
    finally:
        server.stop()


async def test_the_data_directory_and_the_stores_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # as a user might have made it
    server = EmbeddedFalkorDB(data, fsync="always").start()
    store = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="private", pool_size=1)
    try:
        await store.write("import_projects", {"rows": [{"id": "p:1", "props": {"name": "secret plans"}}]})
        assert _mode(data) == 0o700
        files = [p for p in data.rglob("*") if p.is_file()]
        aof = [p for p in files if "appendonly" in p.name]
        assert aof, sorted(p.name for p in files)
        for path in files:
            assert _mode(path) == 0o600, f"{path.name} is {oct(_mode(path))}"
        for path in (p for p in data.rglob("*") if p.is_dir()):
            assert _mode(path) == 0o700, f"{path.name} is {oct(_mode(path))}"
    finally:
        await store.close()
        server.stop()


@pytest.fixture
async def slow_store(falkordb_server: EmbeddedFalkorDB) -> AsyncIterator[FalkorDBStore]:
    """A store whose calls get 1 s, on a graph where a few statements take minutes."""
    store = FalkorDBStore.connect(socket_path=str(falkordb_server.socket_path), graph="slow_probe",
                                  pool_size=2, timeout_s=1.0)
    store.statements = Statements({**store.statements, **PROBE_STATEMENTS}, "falkordb")
    await store.write("probe_nodes", {"n": 60})
    await store.write("probe_edges")
    yield store
    await store.drop_graph("slow_probe")
    await store.close()


async def test_a_statement_past_the_timeout_is_stopped_by_the_store_and_answers_timeout(
    slow_store: FalkorDBStore,
) -> None:
    with pytest.raises(Timeout) as err:
        await slow_store.read("slow")
    assert err.value.code == "TIMEOUT"
    with pytest.raises(Timeout):
        await slow_store.write("slow_write")
    # Writes to one graph run one at a time: had the store kept running the slow write, this one
    # would queue behind it for minutes and time out too. It runs, and the slow one left nothing.
    await slow_store.write("import_projects", {"rows": [{"id": "p:2", "props": {"name": "y"}}]})
    assert (await slow_store.read("probes"))[0]["c"] == 0
    assert await slow_store.health() is True


def test_maestro_serve_brings_its_store_back_after_a_kill_and_stops_the_new_one_on_exit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    jsonl = write_jsonl(tmp_path / "org.jsonl", [{"kind": "project", "id": "p:1", "name": "survivor"}])
    with serving(data, port, tmp_path, "serve") as serve:
        wait_serving(serve, port, tmp_path / "serve.err")
        code, _, err = run_cli(["import", str(jsonl)], data, tmp_path)
        assert code == 0, err
        killed = store_pid(data)
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + RECOVERY_BOUND_S
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.err").read_text()[-2000:]
            time.sleep(0.1)
        query = {"query": '{ project(id: "p:1") { name } }'}
        assert httpx.post(f"http://127.0.0.1:{port}/graphql", json=query, timeout=10).json() == {
            "data": {"project": {"name": "survivor"}}
        }
        restarted = store_pid(data)
        assert restarted != killed and alive(restarted)
        assert f"FalkorDB (pid {killed}) died" in (tmp_path / "serve.err").read_text()  # logged, at ERROR
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(30) == 0
        assert wait_dead(restarted, 10), "the restarted store outlived maestro serve"
