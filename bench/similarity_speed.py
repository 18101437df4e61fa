"""`similarProjects` at scale through GraphQL: latency (p50/p95/p99), the cost of the first call
and of the first call after a write, and recall@10 of its semantic candidates against exact search.

Graph: `--projects` projects in demo organisations of at most `--org-size` projects each
(`generate(7 + k)`, artifacts = projects/10, people = projects/5 per organisation; ids and
artifact names of the k-th get an `o<k>` mark), imported through the JSONL importer. One
organisation per 5,000 projects keeps the generator linear (it samples every team from all
people: one 100k organisation would take hours to generate) and keeps the graph's densities
those of the earlier 5k runs. Project vectors (`--vectors`):
- `docstrings` (default): REAL embeddings of real short technical texts (`bench/text_corpus.py`:
  docstrings of the installed Python distributions, encoded once and cached; ~10 minutes for
  100k here). Each project's description IS its text, so the lexical evidence reads the same
  words; unsaved specs are other texts of the corpus, so their answers are measured too.
- `synthetic`: unit vectors drawn around `--clusters` centres with isotropic noise (384 intrinsic
  dimensions: a worst case for the HNSW index, much harder than text); specs are encoded by the
  model, so their vectors live in another space: their latency counts, not their answers.
Either way the vectors are written through the bulk path (`maestro_graph/embed/bulk.py`: the
service's own `set_project_embeddings` statement with the vector index dropped, then the index
built once; `--vector-path per-batch` writes them with the index in place).

- `stored_project`: `similarProjects(projectId, k: 10)` for `--queries` random projects, wall
  time and (`cpu`) this process's CPU time per call, which a loaded machine disturbs less;
- `unsaved_spec`: the same for as many specs (a real project's description and tags), each one
  encoded (the service's memory of recent query texts is cleared before every call: the
  generator repeats texts); `query_encoder` says which runtime encoded them (embed/onnx.py);
- `first_call_ms`: the first call (snapshot build; fusion learning on a small graph), apart, then
  `settle_ms`: waiting for the background work it started (fusion learning on a large graph);
- `after_write_ms`: the first call after an `updateProject` mutation, `--writes` times;
- `during_rebuild` (`--during-rebuild`): point reads and `similarProjects` back to back, idle,
  then while the snapshot rebuild one more write starts runs (in the background above
  MAESTRO_SIMILARITY_SYNC_REBUILD_MAX projects), with p95/p99 during over idle;
- `semantic_recall_at_10`: the service's semantic candidates for a stored project (what the
  served answer fuses) against exact top-10 by numpy over the same vectors (tie-aware), with the
  statement used (exact below MAESTRO_EMBEDDING_EXACT_MAX_NODES, else HNSW); with real vectors,
  `spec_semantic_recall_at_10` does the same for the unsaved specs.

    .venv/bin/python bench/similarity_speed.py [--projects 100000] [--queries 200] [--writes 5]
        [--exact-max-nodes N] [--org-size 5000] [--vector-path bulk|per-batch] [--during-rebuild]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

import harness
from harness import summary
import httpx
import numpy as np

from maestro_graph.api.app import create_app
from maestro_graph.commands.embed import rebuild_stale_indexes
from maestro_graph.config import Settings
from maestro_graph.demo.generate import generate
from maestro_graph.embed.bulk import load_vectors, wait_for_index
from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.principal import Role
from maestro_graph.secret import server_secret
from maestro_graph.service.keys import create_key
from maestro_graph.store.falkordb import FalkorDBStore

SIMILAR = """query($id: ID, $spec: ProjectSpecInput) { similarProjects(projectId: $id, spec: $spec, k: 10) {
  edges { score reasons breakdown { semantic lexical graph } node { id name } } } }"""
POINT = "query($id: ID!) { project(id: $id) { id name problemClass complexityScore status } }"
UPDATE = """mutation($id: ID!, $d: String!) { updateProject(id: $id, input: {description: $d}) {
  ... on Project { id } ... on MutationError { code message } } }"""


def clustered(n: int, clusters: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, 384))
    points = centres[rng.integers(0, clusters, n)] + rng.normal(scale=0.9, size=(n, 384))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype("float32")


def organisations(projects: int, org_size: int) -> list[dict[str, Any]]:
    """`projects` projects in organisations of at most `org_size` (metrics left out: not used here)."""
    records: list[dict[str, Any]] = []
    for k, start in enumerate(range(0, projects, org_size)):
        n = min(org_size, projects - start)
        for r in generate(7 + k, projects=n, artifacts=max(150, n // 10), people=max(80, n // 5)):
            if r["kind"] == "metric":
                continue
            if k:
                r = _marked(r, f"o{k}")
            records.append(r)
    return records


REFS = ("id", "person", "project", "artifact", "from", "to", "createdBy")


def _marked(record: dict[str, Any], mark: str) -> dict[str, Any]:
    """The record of another organisation: its ids (and artifact names: name+version is unique) marked."""
    out = dict(record)
    for key in REFS:
        value = out.get(key)
        if isinstance(value, str) and ":" in value:
            prefix, rest = value.split(":", 1)
            out[key] = f"{prefix}:{mark}-{rest}"
    if out["kind"] == "artifact":
        out["name"] = f"{out['name']}-{mark}"
    return out


CPU_MS: list[float] = []  # this process's CPU time per timed call (the store's is not in it)


async def timed(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> float:
    """Wall time of one request in ms; its CPU time (robust to a loaded machine) goes to CPU_MS."""
    t, cpu = time.perf_counter(), time.process_time()
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    elapsed = (time.perf_counter() - t) * 1000
    CPU_MS.append((time.process_time() - cpu) * 1000)
    body = response.json()
    assert not body.get("errors"), body["errors"]
    assert "code" not in json.dumps(body.get("data", {}).get("updateProject") or {}), body
    return elapsed


async def measure(server: Any, projects: int, queries: int, writes: int, clusters: int,
                  exact_max: int | None, org_size: int, vector_path: str, profile: bool,
                  source: str, during_rebuild: bool = False) -> dict[str, Any]:
    # A long request budget: the old code's first call took longer than the 10 s default (it is reported).
    settings = Settings(_env_file=None, embedding_background=False, request_timeout_s=300,  # type: ignore[call-arg]
                        secret_key="bench-only-secret")
    if exact_max is not None:  # e.g. 0: the HNSW path on a graph small enough to load quickly
        settings = settings.model_copy(update={"embedding_exact_max_nodes": exact_max})
    root = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="scale", timeout_s=30)
    store = root.for_graph("scale")
    await store.bootstrap()
    # A kept data directory already loaded with the same inputs skips the ~40 minutes of set-up:
    # the graph can be built on a busy machine and the calls timed later on a quiet one.
    kept = server.data_dir / "similarity_speed.json"
    corpus = None
    if source == "docstrings":
        import text_corpus

        texts, data, probe_texts, probes, corpus = text_corpus.corpus(projects, queries)
    inputs = {"projects": projects, "org_size": org_size, "clusters": clusters, "vector_path": vector_path,
              "vectors": source, "texts": corpus and corpus["stored_digest"]}
    setup = json.loads(kept.read_text()) if kept.exists() else None
    if setup is not None and setup["inputs"] == inputs:
        ids, specs = setup["ids"], setup["specs"]
        generate_s, import_s, vectors_s = setup["generate_s"], setup["import_s"], setup["vectors_s"]
        await wait_for_index(store, "Project")  # a restarted server rebuilds it from what is stored
        # built under other HNSW options than today's: rebuilt as `maestro embed` would
        out_setup = {"rebuilt_indexes": await rebuild_stale_indexes(store)}
    else:
        t = time.perf_counter()
        records = organisations(projects, org_size)
        if source == "docstrings":  # each project's description is the text its vector encodes
            for i, r in enumerate(r for r in records if r["kind"] == "project"):
                r["description"] = texts[i]
        generate_s = time.perf_counter() - t
        t = time.perf_counter()
        await import_lines(store, [json.dumps(r) for r in records], batch_size=1000)
        import_s = time.perf_counter() - t
        ids = [r["id"] for r in records if r["kind"] == "project"]
        specs = [{"description": r["description"], "tags": r.get("tags", [])} for r in records if r["kind"] == "project"]
        del records
        t = time.perf_counter()
        await write_vectors(store, ids, data if source == "docstrings" else clustered(len(ids), clusters, 1),
                            vector_path)
        vectors_s = time.perf_counter() - t
        out_setup = {"rebuilt_indexes": []}
        kept.write_text(json.dumps({"inputs": inputs, "ids": ids, "specs": specs, "generate_s": generate_s,
                                    "import_s": import_s, "vectors_s": vectors_s}))
    if source == "synthetic":
        data = clustered(len(ids), clusters, 1)
    else:  # the specs: held-out texts of the corpus, with a project's tags
        specs = [{"description": probe_texts[q], "tags": specs[q]["tags"]} for q in range(len(probe_texts))]

    app = create_app(settings, store=store)
    rng = random.Random(3)
    out: dict[str, Any] = dict(out_setup)
    async with app.router.lifespan_context(app):
        sim = app.state.embedding.similarity
        editor = (await create_key(store, server_secret(settings), Role.EDITOR, "bench", "system")).key
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                     headers={"Authorization": f"Bearer {editor}"}) as client:
            t = time.perf_counter()
            await timed(client, SIMILAR, {"id": ids[0]})
            out["first_call_ms"] = round((time.perf_counter() - t) * 1000, 1)
            # Steady state: a large graph learns its fusion weights in the background after the first call.
            t = time.perf_counter()
            await sim.cache.settled(store.graph)
            out["settle_ms"] = round((time.perf_counter() - t) * 1000, 1)
            sample = [rng.randrange(len(ids)) for _ in range(queries)]
            CPU_MS.clear()
            out["stored_project"] = summary([await timed(client, SIMILAR, {"id": ids[i]}) for i in sample])
            out["stored_project"]["cpu"] = summary(CPU_MS)
            await timed(client, SIMILAR, {"spec": {"description": "warm the query encoder"}})
            if sim.encoder is not None:  # the runtime specs are served with (embed/onnx.py), ready
                await asyncio.to_thread(sim.encoder.prepare_query_runtime)
                out["query_encoder"] = sim.encoder.query_backend
            CPU_MS.clear()
            spec_ms = []
            spec_sample = sample if source == "synthetic" else list(range(len(specs)))
            for i in spec_sample:  # every spec encoded: the generator repeats texts, which the service remembers
                sim.recent.clear()
                spec_ms.append(await timed(client, SIMILAR, {"spec": {
                    "description": specs[i]["description"], "tags": specs[i]["tags"]}}))
            out["unsaved_spec"] = summary(spec_ms)
            out["unsaved_spec"]["cpu"] = summary(CPU_MS)
            if profile:  # before the writes: their rebuilds would be in it
                out["profile"] = await profiled(client, store, [{"id": ids[i]} for i in sample[:50]])
                sim.recent.clear()
                out["profile_spec"] = await profiled(client, store, [{"spec": {
                    "description": specs[i]["description"], "tags": specs[i]["tags"]}} for i in spec_sample[:50]])
            after = []
            for w in range(writes):
                await timed(client, UPDATE, {"id": ids[w], "d": f"{specs[w]['description']} (revised {w})"})
                after.append(await timed(client, SIMILAR, {"id": ids[rng.randrange(len(ids))]}))
            out["after_write"] = summary(after) if after else None
            if during_rebuild:
                out["during_rebuild"] = await while_rebuilding(client, sim, store.graph, ids, rng)

        from maestro_graph.similarity import service

        snap = await sim.cache.get(store)
        position = {pid: i for i, pid in enumerate(ids)}
        def hits_at_10(found: dict[int, float], sims: np.ndarray) -> float:
            """Tie-aware: a candidate counts when it is as close as the exact 10th. `found` is
            keyed by snapshot row (projects in id order), `sims` by generation order."""
            tenth = np.partition(-sims, 9)[9] * -1 - 1e-5
            return sum(1 for row in list(found)[:10] if sims[position[snap.projects[row].id]] >= tenth) / 10

        hits = []
        for i in sample[: min(100, len(sample))]:
            found = await service.semantic_candidates(store, sim, snap, stored_id=ids[i], vector=None, pool=10)
            sims = data @ data[i]
            sims[i] = -2.0  # never itself
            hits.append(hits_at_10(found, sims))
        out["semantic_recall_at_10"] = {"recall": round(statistics.mean(hits), 4), "n": len(hits),
                                        "statement": service.neighbours_statement(sim, snap)}
        if source == "docstrings":
            hits = []
            for q in range(min(100, len(probes))):
                found = await service.semantic_candidates(store, sim, snap, stored_id=None, vector=probes[q].tolist(), pool=10)
                hits.append(hits_at_10(found, data @ probes[q]))
            out["spec_semantic_recall_at_10"] = {"recall": round(statistics.mean(hits), 4), "n": len(hits)}
        out["fusion"] = snap.fusion.method if snap.fusion else None
    await root.close()
    return {"inputs": {"projects": len(ids), "queries": queries, "writes": writes, "clusters": clusters,
                       "vectors": ("synthetic clustered unit vectors (384-d), written straight into the store"
                                   if source == "synthetic" else corpus),
                       "exact_max_nodes": settings.embedding_exact_max_nodes,
                       "org_size": org_size, "vector_path": vector_path, "generate_s": round(generate_s, 1),
                       "import_s": round(import_s, 1), "vectors_s": round(vectors_s, 1)}, "results": out}


async def while_rebuilding(client: httpx.AsyncClient, sim: Any, graph: str, ids: list[str],
                           rng: random.Random) -> dict[str, Any]:
    """Point reads and `similarProjects` back to back, idle and then while the rebuild one write
    starts runs (a large graph rebuilds in the background, beside requests: quiet_build.py)."""
    def draw() -> dict[str, str]:
        return {"id": ids[rng.randrange(len(ids))]}

    idle_similar = [await timed(client, SIMILAR, draw()) for _ in range(150)]
    idle_point = [await timed(client, POINT, draw()) for _ in range(150)]
    await timed(client, UPDATE, {"id": ids[1], "d": "revised while measuring a rebuild"})
    started = time.perf_counter()
    await timed(client, SIMILAR, draw())  # answered from the last snapshot; the rebuild starts
    rebuild = asyncio.ensure_future(sim.cache.settled(graph))
    similar, point = [], []
    while not rebuild.done():
        similar.append(await timed(client, SIMILAR, draw()))
        point.append(await timed(client, POINT, draw()))
    out = {"rebuild_s": round(time.perf_counter() - started, 1), "idle_similar": summary(idle_similar),
           "during_similar": summary(similar), "idle_point": summary(idle_point), "during_point": summary(point)}
    for kind in ("similar", "point"):
        for q in ("p95_ms", "p99_ms"):
            out[f"{kind}_{q[:3]}_during_over_idle"] = round(out[f"during_{kind}"][q] / out[f"idle_{kind}"][q], 2)
    return out


async def write_vectors(store: Any, ids: list[str], data: np.ndarray, vector_path: str) -> None:
    rows = [{"id": ids[i], "vector": data[i].tolist(), "model": "synthetic", "hash": "synthetic"} for i in range(len(ids))]
    if vector_path == "bulk":
        await load_vectors(store, "Project", rows)
    else:
        for start in range(0, len(ids), 500):  # HNSW inserts are costly: small statements
            await store.write("set_project_embeddings", {"rows": rows[start:start + 500]})


class TimedStore:
    """The store, with the wall time of each statement it runs summed by name (the profile pass)."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.ms: dict[str, float] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def read(self, name: str, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return await self._store.read(name, *args, **kwargs)
        finally:
            self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - t) * 1000


async def profiled(client: httpx.AsyncClient, store: Any, calls: list[dict[str, Any]]) -> dict[str, Any]:
    """Where a call spends its time: store statements (wall, summed by name, per call) and this
    process's event-loop thread (cProfile over CPU time, top functions by own time; a spec's
    encoding runs in another thread and is not in it), over `calls` (the query's variables)."""
    import cProfile
    import pstats

    timed_store = TimedStore(store)
    app = client._transport.app  # type: ignore[attr-defined]
    app.state.store = timed_store  # each request's context takes the store from here
    profile = cProfile.Profile(time.process_time)  # CPU time: a loaded machine inflates wall time anywhere
    try:
        t = time.perf_counter()
        profile.enable()
        for variables in calls:
            await timed(client, SIMILAR, variables)
        profile.disable()
        wall = (time.perf_counter() - t) * 1000
    finally:
        app.state.store = store
    stats = pstats.Stats(profile)
    top = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:15]  # type: ignore[attr-defined]
    n = len(calls)
    return {"calls": n, "wall_ms_per_call": round(wall / n, 2),
            "store_ms_per_call": {k: round(v / n, 2) for k, v in sorted(timed_store.ms.items())},
            "python_own_ms_per_call": {f"{f[0].rsplit('/', 1)[-1]}:{f[2]}": round(v[2] * 1000 / n, 2)
                                       for f, v in top}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--writes", type=int, default=5)
    parser.add_argument("--clusters", type=int, default=50, help="with --vectors synthetic")
    parser.add_argument("--vectors", choices=["docstrings", "synthetic"], default="docstrings",
                        help="real text embeddings (bench/text_corpus.py) or synthetic clustered ones")
    parser.add_argument("--exact-max-nodes", type=int, default=None,
                        help="override MAESTRO_EMBEDDING_EXACT_MAX_NODES (0: always the HNSW index)")
    parser.add_argument("--org-size", type=int, default=5000, help="projects per generated organisation")
    parser.add_argument("--vector-path", choices=["bulk", "per-batch"], default="bulk",
                        help="write vectors with the index dropped then build it (bulk), or with it in place")
    parser.add_argument("--keep", type=Path, default=None,
                        help="data directory kept after the run; a later run with the same inputs skips the set-up")
    parser.add_argument("--profile", action="store_true",
                        help="after the timed calls, 50 more under cProfile with store statements timed by name")
    parser.add_argument("--during-rebuild", action="store_true",
                        help="after the writes: reads timed idle, then while one write's snapshot rebuild runs")
    args = parser.parse_args()
    harness.run(lambda server: measure(server, args.projects, args.queries, args.writes, args.clusters,
                                       args.exact_max_nodes, args.org_size, args.vector_path, args.profile,
                                       args.vectors, during_rebuild=args.during_rebuild),
                keep=args.keep)


if __name__ == "__main__":
    main()
