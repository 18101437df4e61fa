"""Latency of the meta-model's GraphQL fields with a trained model (#17 target: p95 ≤ 50 ms).

    .venv/bin/python bench/learning_latency.py [--projects 240] [--calls 150]

Generates a demo organisation, trains it as `maestro train` does into a temporary data dir, then
calls `recommendArtifacts(k: 10)` and `predictOutcome` through the real ASGI app (GraphQL
parsing, auth, resolvers, the embedded store; in process, no socket) over rotating projects,
after a warm-up that loads the model. The baseline measured in the same run is a GraphQL point
read of one project, so the ratio says what the meta-model adds to a request. One JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

from maestro_graph.demo.generate import generate  # noqa: E402
from maestro_graph.ingest.jsonl import import_lines  # noqa: E402
from maestro_graph.store.falkordb import FalkorDBStore  # noqa: E402

QUERIES = {
    "pointRead": "query($id: ID!) { project(id: $id) { id name } }",
    "recommendArtifacts": "query($id: ID!) { recommendArtifacts(projectId: $id, k: 10) "
                          "{ edges { score reasons node { id name } } } }",
    "predictOutcome": "query($id: ID!) { predictOutcome(projectId: $id) { successProbability "
                      "successInterval { low high } durationDays { p10 p50 p90 } costUsd { p10 p50 p90 } "
                      "modelVersion explanation } }",
}


def _summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"n": len(ms), "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2), "max_ms": round(ordered[-1], 2)}


async def measure(server: harness.EmbeddedFalkorDB, projects: int, calls: int, data_dir: Path) -> dict[str, Any]:
    import httpx

    from gnn.pipeline import train_and_save
    from maestro_graph.api.app import create_app
    from maestro_graph.config import Settings
    from maestro_graph.principal import Role
    from maestro_graph.secret import server_secret
    from maestro_graph.service.keys import create_key

    store = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="bench", pool_size=4)
    await store.bootstrap()
    await import_lines(store, [json.dumps(r) for r in generate(7, projects=projects)], batch_size=1000)
    started = time.perf_counter()
    await train_and_save(store, data_dir)
    train_s = time.perf_counter() - started
    ids = [r["id"] for r in await store.read("learn_projects")]

    settings = Settings(_env_file=None, data_dir=data_dir, secret_key="bench-secret")  # type: ignore[call-arg]
    app = create_app(settings, store=store)
    key = (await create_key(store, server_secret(settings), Role.EDITOR, "bench", "system")).key
    timings: dict[str, list[float]] = {name: [] for name in QUERIES}
    first: dict[str, float] = {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                     headers={"Authorization": f"Bearer {key}"}) as client:
            async def call(name: str, pid: str) -> float:
                t = time.perf_counter()
                body = (await client.post("/graphql", json={"query": QUERIES[name], "variables": {"id": pid}})).json()
                elapsed = (time.perf_counter() - t) * 1000
                assert not body.get("errors"), body["errors"]
                return elapsed

            for name in QUERIES:  # the first call loads the model (and the key cache)
                first[name] = round(await call(name, ids[0]), 1)
            for name in QUERIES:
                for _ in range(5):
                    await call(name, ids[1])
            for i in range(calls):  # interleaved, so load on the machine hits every field alike
                pid = ids[i % len(ids)]
                for name in QUERIES:
                    timings[name].append(await call(name, pid))
    await store.drop_graph(store.graph)
    await store.close()
    out = {name: _summary(ms) for name, ms in timings.items()}
    base = out["pointRead"]["p95_ms"]
    return {
        "inputs": {"projects": projects, "calls_per_field": calls, "path": "in-process ASGI, one client"},
        "train_seconds": round(train_s, 2),
        "first_call_ms": first,
        "latency": out,
        "p95_ratio_vs_point_read": {n: round(out[n]["p95_ms"] / base, 2) for n in QUERIES if n != "pointRead"},
        "target_p95_ms": 50,
        "met": {n: out[n]["p95_ms"] <= 50 for n in QUERIES if n != "pointRead"},
    }


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=240)
    parser.add_argument("--calls", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="maestro-latency-") as tmp:
        harness.run(lambda server: measure(server, args.projects, args.calls, Path(tmp)))


if __name__ == "__main__":
    main()
