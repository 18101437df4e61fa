"""Shared fixtures: one real embedded FalkorDB per test session, one graph per test.

Tests are isolated by graph name, not by restarting the server, so the suite stays fast.
Contract tests (`backend_store`) also run against Neo4j when MAESTRO_NEO4J_URI is set.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from maestro_graph.config import Settings
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore
from maestro_graph.store.port import GraphStore


def env_settings() -> Settings:
    """The environment's settings, without a developer's .env file leaking into tests."""
    return Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedFalkorDB]:
    server = EmbeddedFalkorDB(tmp_path_factory.mktemp("falkordb")).start()
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="session")
async def falkordb_root(falkordb_server: EmbeddedFalkorDB) -> AsyncIterator[FalkorDBStore]:
    store = FalkorDBStore.connect(socket_path=str(falkordb_server.socket_path), graph="unused", pool_size=8)
    yield store
    await store.close()


@pytest_asyncio.fixture(scope="session")
async def neo4j_root() -> AsyncIterator[GraphStore | None]:
    settings = env_settings()
    if not settings.neo4j_uri:
        yield None
        return
    from maestro_graph.store.neo4j import Neo4jStore

    store = Neo4jStore.connect(
        uri=settings.neo4j_uri, user=settings.neo4j_user,
        password=settings.neo4j_password.get_secret_value(), database=settings.neo4j_database,
    )
    yield store
    await store.close()


async def _fresh(root: GraphStore) -> GraphStore:
    if root.dialect == "neo4j":  # Community edition has one database: empty it instead
        store = root.for_graph(root.graph)
        await store.drop_graph(root.graph)
    else:
        store = root.for_graph(f"test_{uuid.uuid4().hex[:12]}")
    await store.bootstrap()
    return store


@pytest_asyncio.fixture
async def store(falkordb_root: FalkorDBStore) -> AsyncIterator[GraphStore]:
    """A bootstrapped, empty graph on the embedded FalkorDB, dropped after the test."""
    s = await _fresh(falkordb_root)
    yield s
    await s.drop_graph(s.graph)


@pytest_asyncio.fixture(params=["falkordb", "neo4j"])
async def backend_store(
    request: pytest.FixtureRequest, falkordb_root: FalkorDBStore, neo4j_root: GraphStore | None
) -> AsyncIterator[GraphStore]:
    """The same contract test against every configured backend."""
    if request.param == "neo4j" and neo4j_root is None:
        pytest.skip("Neo4j contract run needs MAESTRO_NEO4J_URI (and user/password) pointing at a server")
    root = falkordb_root if request.param == "falkordb" else neo4j_root
    assert root is not None
    s = await _fresh(root)
    yield s
    if s.dialect == "falkordb":
        await s.drop_graph(s.graph)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


STUCK_AFTER_S = 900.0  # no test here takes near this long; a run once hung in a fixture teardown


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """If one test (setup, call, teardown) runs past STUCK_AFTER_S, print every asyncio task's
    stack: a hang then leaves in the CI log where it waits (thread stacks alone show only the loop)."""
    import sys
    import threading

    def report() -> None:
        capture = item.config.pluginmanager.getplugin("capturemanager")  # else the text stays in the test's capture
        with capture.global_and_fixture_disabled():
            print(f"\n[stuck] {item.nodeid} after {STUCK_AFTER_S:.0f} s; asyncio tasks:", file=sys.stderr)
            for task in _all_tasks():
                print(f"[stuck] {task!r}", file=sys.stderr)
                task.print_stack(file=sys.stderr)

    timer = threading.Timer(STUCK_AFTER_S, report)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _all_tasks() -> list[Any]:
    """Tasks of every event loop the test session created (read from another thread: a snapshot)."""
    import asyncio
    import gc

    loops = {o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop) and not o.is_closed()}
    return [t for loop in loops for t in asyncio.all_tasks(loop)]
