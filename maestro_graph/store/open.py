"""Open the store the settings name: Neo4j, an external FalkorDB, or the embedded one.

Adapters are imported here, lazily, so that a FalkorDB user never imports the Neo4j driver and
the reverse.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from maestro_graph.config import Settings
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.port import GraphStore


def embedded_server(settings: Settings, *, supervise: bool = False) -> EmbeddedFalkorDB:
    """`supervise`: restart the server if it dies (for the long-lived owner, `maestro serve`)."""
    return EmbeddedFalkorDB(
        settings.data_dir, fsync=settings.fsync, tcp_port=settings.falkordb_port,
        query_timeout_s=settings.store_timeout_s, supervise=supervise, start_timeout_s=settings.store_start_timeout_s,
    )


def connect(settings: Settings, server: EmbeddedFalkorDB | None = None) -> GraphStore:
    """A store client for the configured backend; `server` is the running embedded server, if any."""
    if settings.neo4j_uri:
        from maestro_graph.store.neo4j import Neo4jStore

        return Neo4jStore.connect(
            uri=settings.neo4j_uri,
            user=settings.neo4j_user,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
            pool_size=settings.store_pool_size,
            timeout_s=settings.store_timeout_s,
        )
    from maestro_graph.store.falkordb import FalkorDBStore

    if settings.falkordb_url:
        return FalkorDBStore.connect(
            url=settings.falkordb_url, graph=settings.graph,
            pool_size=settings.store_pool_size, timeout_s=settings.store_timeout_s,
        )
    if server is None:
        raise ValueError("the embedded FalkorDB needs a running server")
    return FalkorDBStore.connect(
        socket_path=str(server.socket_path), password=server.password, graph=settings.graph,
        pool_size=settings.store_pool_size, timeout_s=settings.store_timeout_s,
    )


def uses_embedded(settings: Settings) -> bool:
    return not (settings.neo4j_uri or settings.falkordb_url)


@asynccontextmanager
async def open_store(settings: Settings, *, bootstrap: bool = True) -> AsyncIterator[GraphStore]:
    """Yield a ready store for the duration of a command.

    With the embedded backend this reuses the server already serving the data directory (so
    `maestro import` works beside `maestro serve`) or starts one and stops it at exit.
    """
    server = embedded_server(settings).attach() if uses_embedded(settings) else None
    store = connect(settings, server)
    try:
        if bootstrap:
            await store.bootstrap()
        yield store
    finally:
        await store.close()
        if server is not None:
            server.stop()
