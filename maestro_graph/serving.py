"""Run uvicorn for `maestro serve`: bootstrap once, then one process or N forked workers.

Bootstrap runs here, once, before any worker starts: N workers each bootstrapping a fresh data
directory raced on constraint creation. Workers are told to skip it (`MAESTRO_BOOTSTRAP_ON_START`).
With several workers, Prometheus runs in multiprocess mode: each worker writes its samples under
`<data_dir>/prometheus` (emptied at start) and `/metrics` aggregates them.

The environment variables set here are how settings reach uvicorn's spawned workers, which build
their app from `Settings()`; no module reads them other than through `config.py`.
"""

from __future__ import annotations

import asyncio
import os
import shutil

import uvicorn

from maestro_graph.config import Settings
from maestro_graph.server import GracefulServer
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.open import connect

APP = "maestro_graph.api.app:create_app"
PROTOCOL = "maestro_graph.server:HeaderTimeoutProtocol"


async def bootstrap_once(settings: Settings, server: EmbeddedFalkorDB | None) -> None:
    store = connect(settings, server)
    try:
        await store.bootstrap()
    finally:
        await store.close()


def uvicorn_options(settings: Settings) -> dict[str, object]:
    return {
        "host": settings.host, "port": settings.port, "factory": True, "loop": "uvloop", "http": PROTOCOL,
        "access_log": settings.access_log, "log_level": settings.log_level,
        "timeout_keep_alive": settings.keep_alive_s, "limit_concurrency": settings.max_connections,
    }


def run_server(settings: Settings, server: EmbeddedFalkorDB | None, host: str, port: int, workers: int) -> None:
    asyncio.run(bootstrap_once(settings, server))
    os.environ["MAESTRO_BOOTSTRAP_ON_START"] = "false"
    options = {**uvicorn_options(settings), "host": host, "port": port}
    if workers > 1:
        metrics_dir = settings.data_dir / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(mode=0o700, parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir.resolve())
        uvicorn.run(APP, workers=workers, **options)  # type: ignore[arg-type]
    else:
        GracefulServer(uvicorn.Config(APP, **options)).run()  # type: ignore[arg-type]
