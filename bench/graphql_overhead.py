"""GraphQL overhead: a nested traversal through the API against one hand-written Cypher statement.

Starts its own embedded FalkorDB in a temporary directory, imports the demo organisation
(`generate(seed)`), and answers the same question two ways in the same run, on the same store:

- `graphql`: `projects(first: N, orderBy: {field: ID})` → `team` → each member's `projects` →
  their `artifacts { id name }`, every page capped at 100, POSTed to `/graphql` of the real app
  in-process (httpx over ASGI, lifespan included). DataLoaders make it one store call per level.
- `cypher`: `cypher/bench_nested_traversal.cypher`, one statement that returns the same tree for
  the same N project ids with the same orders and caps, through the same store's `read()`.

The app answers this document on its compiled path (`api/compiled_reads.py`: the same store
reads, the JSON built straight from the rows, no executor). The same request is also sent with
`compiled_nested_reads` off, alternately in the same run: `graphql_executor` is the "before" of
that change (the app's executor, `api/execution.py`), on the same store and app; both must answer
byte for byte the same JSON.

The query is 12 levels deep (Relay nesting costs three per hop: field, edges, node); the bench
checks that the app's own limits accept it and reports the depth under `depth_limit`.

Besides wall time, each request's CPU is measured: this process plus the FalkorDB server (all
its threads, from `/proc`), as `cpu_median_ms` and `cpu_ratio_graphql_over_cypher`, which other
load on the machine disturbs far less than wall time.

Both answers are flattened to (project, member, memberProject, artifact) tuples and must be the
same set. Each side is warmed up, then timed `--repeat` times, alternating which side goes first.
Prints one JSON object (progress goes to stderr); no thresholds.

    python bench/graphql_overhead.py [--seed 7] [--repeat 20] [--projects 50]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from graphql import parse

from maestro_graph.api.schema import schema as app_schema
from maestro_graph.api.app import create_app
from maestro_graph.config import Settings
from maestro_graph.demo.generate import generate
from maestro_graph.ingest.jsonl import import_lines
from harness import run  # bench/ is on sys.path
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore
from maestro_graph.store.instrumented import InstrumentedStore

PAGE = 100  # every nested page asks for this many, the API's maximum
STATEMENT = "bench_nested_traversal"
QUERY = """
query Nested($projects: Int!, $page: Int!) {
  projects(first: $projects, orderBy: {field: ID}) { edges { node { id
    team(first: $page) { edges { node { id
      projects(first: $page) { edges { node { id
        artifacts(first: $page) { edges { node { id name } } }
      } } }
    } } }
  } } }
}
"""

# A nested answer, normalised: [(project, [(member, [(memberProject, [(artifact, name)])])])].
Tree = list[tuple[str, list[tuple[str, list[tuple[str, list[tuple[str, str]]]]]]]]


def query_depth(query: str) -> int:
    """The hops the app's query limits measure for `query` (root field, connections, node fields)."""
    shape = app_schema.gate.shape(app_schema._schema, parse(query), None, None)  # type: ignore[attr-defined]
    return shape.hops if shape else 0


def depth_rejection(query: str) -> str | None:
    """What the app's own depth limit says of `query`: None when it accepts it. (The node limit
    would refuse this deliberately maximal query; the benchmark's app lifts it.)"""
    gate = app_schema.gate  # type: ignore[attr-defined]
    shape = gate.shape(app_schema._schema, parse(query), None, None)
    return f"{shape.hops} hops > {gate.max_hops}" if shape and shape.hops > gate.max_hops else None


class TimedStore(InstrumentedStore):
    """Counts calls like the app's own wrapper, and also adds up the seconds they take."""

    def __init__(self, inner: FalkorDBStore) -> None:
        super().__init__(inner)
        self.seconds = 0.0

    async def _timed(self, kind: str, name: str, call: Any) -> Any:
        start = time.perf_counter()
        try:
            return await super()._timed(kind, name, call)
        finally:
            self.seconds += time.perf_counter() - start


def graphql_tree(body: dict[str, Any]) -> Tree:
    if body.get("errors"):
        raise RuntimeError(f"GraphQL errors: {body['errors'][:3]}")
    return [
        (p["node"]["id"], [
            (m["node"]["id"], [
                (q["node"]["id"], [(a["node"]["id"], a["node"]["name"]) for a in q["node"]["artifacts"]["edges"]])
                for q in m["node"]["projects"]["edges"]
            ])
            for m in p["node"]["team"]["edges"]
        ])
        for p in body["data"]["projects"]["edges"]
    ]


def cypher_tree(rows: list[dict[str, Any]]) -> Tree:
    return [
        (row["id"], [
            (m["id"], [(q["id"], [(a["id"], a["name"]) for a in q["artifacts"]]) for q in m["projects"]])
            for m in row["team"]
        ])
        for row in rows
    ]


def tuples(tree: Tree) -> set[tuple[str, str, str, str]]:
    return {(p, m, q, a) for p, team in tree for m, projects in team for q, arts in projects for a, _ in arts}


def summary(samples: list[float]) -> dict[str, Any]:
    """Milliseconds; p90 by nearest rank, so it is always one of the measured runs."""
    ordered = sorted(samples)
    return {
        "median_ms": ms(statistics.median(ordered)),
        "p90_ms": ms(ordered[math.ceil(0.9 * len(ordered)) - 1]),
        "min_ms": ms(ordered[0]),
        "runs": len(ordered),
    }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def progress(message: str) -> None:
    print(f"[graphql_overhead] {message}", file=sys.stderr, flush=True)


def cpu_s(server_pid: int | None) -> float:
    """CPU seconds used so far by this process and the FalkorDB server (all its threads): what a
    request costs the machine, far less disturbed by other load than wall time."""
    total = time.process_time()
    if server_pid is not None:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


class Sides:
    """The two ways of asking, each timed; every call keeps its answer and where its time went."""

    def __init__(self, client: httpx.AsyncClient, store: TimedStore, ids: list[str], projects: int,
                 settings: Any, server_pid: int | None = None) -> None:
        self.server_pid = server_pid
        self.cpu: dict[str, list[float]] = {"graphql": [], "graphql_executor": [], "cypher": []}
        self.client = client
        self.settings = settings
        self.store = store
        self.payload = {"query": QUERY, "variables": {"projects": projects, "page": PAGE}}
        self.params = {"ids": ids, "teamFirst": PAGE, "projectsFirst": PAGE, "artifactsFirst": PAGE}
        self.seconds: dict[str, list[float]] = {"graphql": [], "graphql_executor": [], "cypher": []}
        self.graphql_parts: dict[str, list[float]] = {"store": [], "client_json": [], "rest": []}
        self.graphql_body: dict[str, Any] = {}
        self.graphql_bytes = 0
        self.graphql_content: dict[str, bytes] = {}
        self.cypher_rows: list[dict[str, Any]] = []

    async def graphql(self) -> float:
        """POST over ASGI and decode the JSON reply: what a Python client pays for the answer."""
        store_before = self.store.seconds
        cpu = cpu_s(self.server_pid)
        start = time.perf_counter()
        response = await self.client.post("/graphql", json=self.payload)
        response.raise_for_status()
        received = time.perf_counter()
        self.graphql_body = response.json()
        total = time.perf_counter() - start
        self.cpu["graphql"].append(cpu_s(self.server_pid) - cpu)
        in_store = self.store.seconds - store_before
        self.graphql_bytes = len(response.content)
        self.graphql_content["app"] = response.content
        self.graphql_parts["store"].append(in_store)
        self.graphql_parts["client_json"].append(total - (received - start))
        self.graphql_parts["rest"].append(received - start - in_store)
        self.seconds["graphql"].append(total)
        return total

    async def graphql_executor(self) -> float:
        """The same request through the executor (compiled reads off): the before of api/compiled_reads.py."""
        self.settings.compiled_nested_reads = False
        try:
            cpu = cpu_s(self.server_pid)
            start = time.perf_counter()
            response = await self.client.post("/graphql", json=self.payload)
            response.raise_for_status()
            response.json()
            total = time.perf_counter() - start
            self.cpu["graphql_executor"].append(cpu_s(self.server_pid) - cpu)
        finally:
            self.settings.compiled_nested_reads = True
        self.graphql_content["executor"] = response.content
        self.seconds["graphql_executor"].append(total)
        return total

    async def cypher(self) -> float:
        cpu = cpu_s(self.server_pid)
        start = time.perf_counter()
        self.cypher_rows = await self.store.read(STATEMENT, self.params)
        total = time.perf_counter() - start
        self.cpu["cypher"].append(cpu_s(self.server_pid) - cpu)
        self.seconds["cypher"].append(total)
        return total

    def reset(self) -> None:
        for samples in (*self.seconds.values(), *self.graphql_parts.values(), *self.cpu.values()):
            samples.clear()


async def measure(server: EmbeddedFalkorDB, args: argparse.Namespace) -> dict[str, Any]:
    records = generate(args.seed)
    store = TimedStore(FalkorDBStore.connect(socket_path=str(server.socket_path), graph="bench"))
    try:
        await store.bootstrap()
        start = time.perf_counter()
        report = await import_lines(store, [json.dumps(r) for r in records], batch_size=1000)
        progress(f"imported {report.records} records in {time.perf_counter() - start:.1f}s")
        ids = sorted(r["id"] for r in records if r["kind"] == "project")[: args.projects]

        depth, rejected = query_depth(QUERY), depth_rejection(QUERY)
        if rejected:
            raise SystemExit(f"the app rejects the benchmark query ({rejected}); raise MAESTRO_MAX_QUERY_HOPS / MAESTRO_MAX_QUERY_NODES")
        with contextlib.nullcontext():
            app = create_app(Settings(_env_file=None, max_query_nodes=10**12, rate_limit_per_minute=0, request_timeout_s=600),  # type: ignore[call-arg]
                             store=store)
        async with app.router.lifespan_context(app):
            assert app.state.store is store, "the app must use the store it is given"
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                sides = Sides(client, store, ids, args.projects, app.state.settings, server.pid)

                # One request of each, counted and checked, before anything is timed.
                calls_before = Counter(store.calls)
                await sides.graphql()
                calls = store.calls - calls_before
                await sides.cypher()
                await sides.graphql_executor()
                same_bytes = sides.graphql_content["app"] == sides.graphql_content["executor"]
                assert same_bytes, "the compiled path and the executor answer differently"
                graphql_answer, cypher_answer = graphql_tree(sides.graphql_body), cypher_tree(sides.cypher_rows)
                if [p for p, _ in graphql_answer] != ids:
                    raise AssertionError("the GraphQL projects page is not the expected ids")
                answer = tuples(graphql_answer)
                same = answer == tuples(cypher_answer)
                assert same, (f"answers differ: {len(answer - tuples(cypher_answer))} tuples only in GraphQL, "
                              f"{len(tuples(cypher_answer) - answer)} only in Cypher")

                for _ in range(args.warmup):
                    await sides.graphql()
                    await sides.graphql_executor()
                    await sides.cypher()
                sides.reset()
                three = [sides.graphql, sides.graphql_executor, sides.cypher]
                for i in range(args.repeat):
                    for side in three[i % 3:] + three[: i % 3]:  # each side goes first in turn
                        await side()
                    progress(f"run {i + 1}/{args.repeat}: graphql {sides.seconds['graphql'][-1] * 1000:.0f} ms, "
                             f"through the executor {sides.seconds['graphql_executor'][-1] * 1000:.0f} ms, "
                             f"cypher {sides.seconds['cypher'][-1] * 1000:.0f} ms")
        server_ms = await cypher_server_ms(server, sides.params)
    finally:
        await store.close()

    graphql, cypher = summary(sides.seconds["graphql"]), summary(sides.seconds["cypher"])
    before = summary(sides.seconds["graphql_executor"])
    # per timed round (the three sides ran back to back): the after/before ratio of the executors
    paired = [a / b for a, b in zip(sides.seconds["graphql"], sides.seconds["graphql_executor"], strict=True)]
    return {
        "benchmark": "graphql_overhead",
        "inputs": {
            "seed": args.seed, "projects": args.projects, "page": PAGE, "repeat": args.repeat, "warmup": args.warmup,
            "query": " ".join(QUERY.split()), "statement": f"cypher/{STATEMENT}.cypher",
            "graph": {"records": report.records, "projects": sum(r["kind"] == "project" for r in records)},
        },
        "depth_limit": {
            "query_depth": depth,
            "app_rejects_query": rejected,
        },
        "same_answer": same,
        "same_bytes_compiled_and_executor": same_bytes,
        "same_order": graphql_answer == cypher_answer,
        "answer": {
            "tuples": len(answer),
            "memberships": sum(len(team) for _, team in graphql_answer),
            "member_projects": sum(len(ps) for _, team in graphql_answer for _, ps in team),
            "artifact_edges": sum(len(arts) for _, team in graphql_answer for _, ps in team for _, arts in ps),
            "graphql_response_bytes": sides.graphql_bytes,
        },
        "graphql": {
            **graphql,
            "store_calls_per_request": sum(calls.values()),
            "store_calls": dict(sorted(calls.items())),
            "store_median_ms": ms(statistics.median(sides.graphql_parts["store"])),
            "client_json_median_ms": ms(statistics.median(sides.graphql_parts["client_json"])),
            "rest_median_ms": ms(statistics.median(sides.graphql_parts["rest"])),
            "note": "POST over ASGI + response.json(); store = inside store calls, client_json = decoding the "
                    "reply, rest = planning look-up, argument checks, building and encoding the JSON, ASGI "
                    "(the compiled path: no executor)",
        },
        "cypher": {
            **cypher,
            "store_calls_per_request": 1,
            "server_median_ms": server_ms,
            "note": "store.read() of one statement; server_median_ms is FalkorDB's own execution time, "
                    "the rest is the client reading and decoding the reply",
        },
        "graphql_executor": {
            **before,
            "note": "the same request with compiled_nested_reads off: Strawberry and the app's executor "
                    "(api/execution.py), the before of api/compiled_reads.py, same run",
        },
        "ratio_graphql_over_cypher": round(graphql["median_ms"] / cypher["median_ms"], 2),
        # CPU of this process + the FalkorDB server per request (median): robust to other load on the machine
        "cpu_median_ms": {side: ms(statistics.median(samples)) for side, samples in sides.cpu.items()},
        "cpu_ratio_graphql_over_cypher": round(statistics.median(sides.cpu["graphql"])
                                               / statistics.median(sides.cpu["cypher"]), 2),
        "ratio_executor_over_cypher": round(before["median_ms"] / cypher["median_ms"], 2),
        "compiled_over_executor": {
            "of_medians": round(graphql["median_ms"] / before["median_ms"], 3),
            "median_of_rounds": round(statistics.median(paired), 3),
        },
        "ratio_goal": 2.0,  # issue #12
    }


async def cypher_server_ms(server: EmbeddedFalkorDB, params: dict[str, Any], runs: int = 5) -> float:
    """FalkorDB's reported execution time of the statement, without the client's decoding."""
    from redis.asyncio import Redis

    text = (Path(__file__).resolve().parents[1] / "cypher" / f"{STATEMENT}.cypher").read_text()
    prefix = "CYPHER " + " ".join(f"{k}={json.dumps(v)}" for k, v in params.items())
    times = []
    async with Redis(unix_socket_path=str(server.socket_path)) as client:
        for _ in range(runs):
            reply = await client.execute_command("GRAPH.RO_QUERY", "bench", f"{prefix} {text}", "--compact")
            stats = [s.decode() if isinstance(s, bytes) else s for s in reply[-1]]
            times.append(float(next(s for s in stats if "execution time" in s).split(":")[1].split()[0]))
    return round(statistics.median(times), 2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7, help="demo organisation seed (default 7)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each side (default 20)")
    parser.add_argument("--projects", type=int, default=50, help="projects at the top of the tree (default 50, max 100)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs of each side first (default 2)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0 or not 1 <= args.projects <= PAGE:
        parser.error(f"--repeat must be at least 1, --warmup at least 0, --projects between 1 and {PAGE}")

    run(lambda server: measure(server, args))


if __name__ == "__main__":
    main()
