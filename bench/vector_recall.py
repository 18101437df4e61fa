"""Recall@10 of FalkorDB's HNSW index against exact search, per efRuntime, and its latency.

Vectors (`--source`): `synthetic`, `--vectors` unit vectors in 384 dimensions drawn around
`--clusters` centres (isotropic noise around each: 384 intrinsic dimensions, a worst case for an
HNSW graph, far harder than text); `docstrings`, REAL embeddings of `--vectors` real short
technical texts (`bench/text_corpus.py`: docstrings of the installed Python distributions, the
only 100k-sized real text corpus here), probed with other texts of the same corpus; or `demo`,
REAL embeddings: the texts of the demo organisation's
projects and artifacts (`generate(7)`, as many projects as needed for `--vectors` texts) through
the real model (all-MiniLM-L6-v2), probed with the texts of another organisation (`generate(8)`). Exact top-10 is computed in numpy; the index answers `db.idx.vector.queryNodes` on a
graph whose vectors are written once, without an index, then indexed once per (M, efRuntime)
(`--m`, `--ef`, `--ef-construction`; `index_build_s` is the store building it over what is
stored, as `maestro_graph/embed/bulk.py` does); exact in-store search
(`vec.cosineDistance` over every node, the service's choice below
MAESTRO_EMBEDDING_EXACT_MAX_NODES) is timed as the baseline.

    .venv/bin/python bench/vector_recall.py [--vectors 20000] [--queries 200] [--ef 10 50 100 200]
        [--m 16] [--ef-construction 200] [--source synthetic|docstrings|demo]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import harness
import numpy as np

from maestro_graph.store.falkordb import FalkorDBStore


def vectors(n: int, clusters: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, 384))
    points = centres[rng.integers(0, clusters, n)] + rng.normal(scale=0.9, size=(n, 384))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype("float32")


def demo_texts(n: int, seed: int) -> list[str]:
    """The first `n` project and artifact texts of a demo organisation, as the app embeds them."""
    from maestro_graph.demo.generate import generate
    from maestro_graph.embed.texts import node_text

    projects = max(50, n)  # about 1.1 texts per project: enough, and the generator is cheap
    records = generate(seed, projects=projects, artifacts=max(150, projects // 10), people=max(80, projects // 5))
    texts = [node_text("Project" if r["kind"] == "project" else "Artifact", r) for r in records
             if r["kind"] in ("project", "artifact")]
    return texts[:n]


def real_vectors(n: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    from maestro_graph.api.embedding import make_encoder
    from maestro_graph.config import Settings

    encoder = make_encoder(Settings(_env_file=None))  # type: ignore[call-arg]
    assert encoder is not None, "the real vectors need the [ml] extra"
    data = np.asarray(encoder.encode(demo_texts(n, 7)), dtype="float32")
    probes = np.asarray(encoder.encode(demo_texts(queries, 8)), dtype="float32")
    return data, probes


async def measure(server: Any, n: int, queries: int, efs: list[int], clusters: int, source: str,
                  ms: list[int], constructions: list[int]) -> dict[str, Any]:
    provenance = None
    if source == "demo":
        data, probes = real_vectors(n, queries)
        n, queries = len(data), len(probes)
    elif source == "docstrings":
        import text_corpus

        _, data, _, probes, provenance = text_corpus.corpus(n, queries)
    else:
        data, probes = vectors(n, clusters, 1), vectors(queries, clusters, 2)
    sims = probes @ data.T
    # Tie-aware: a returned vector counts when it is at least as close as the exact 10th (real texts
    # repeat, and among equal vectors any choice is right).
    tenth = -np.partition(-sims, 9, axis=1)[:, 9] - 1e-5
    # The embedded server caps query timeouts at 30 s (TIMEOUT_MAX); more is refused.
    root = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="unused", timeout_s=30)
    g = root._db.select_graph("recall")
    # The vectors are written once, without an index (inserting each into an HNSW graph inside its
    # write statement ran at ~25 vectors/s at 100k); each (M, efRuntime) then builds its own index
    # over them in the store, as `maestro_graph/embed/bulk.py` does, and drops it afterwards.
    t = time.perf_counter()
    for start in range(0, n, 2000):
        rows = [{"i": start + j, "v": data[start + j].tolist()} for j in range(min(2000, n - start))]
        await g.query("UNWIND $rows AS r CREATE (:P {i: r.i, v: vecf32(r.v)})", {"rows": rows})
    load_s = time.perf_counter() - t
    out: dict[str, Any] = {}
    settings = [(m, c) for m in ms for c in constructions]
    for m, construction in settings:
        for ef in efs:
            t = time.perf_counter()
            await g.query("CREATE VECTOR INDEX FOR (n:P) ON (n.v) OPTIONS {dimension: 384, similarityFunction: 'cosine', "
                          f"M: {int(m)}, efConstruction: {int(construction)}, efRuntime: {int(ef)}}}")
            await root._wait_indexes(g, timeout_s=3600)
            build_s = time.perf_counter() - t
            hits, times = [], []
            for q in range(queries):
                t = time.perf_counter()
                res = await g.ro_query("CALL db.idx.vector.queryNodes('P', 'v', 10, vecf32($v)) YIELD node RETURN node.i",
                                       {"v": probes[q].tolist()})
                times.append((time.perf_counter() - t) * 1000)
                hits.append(min(10, sum(1 for r in res.result_set if sims[q, r[0]] >= tenth[q])) / 10)
            key = _key(m, construction, ef, len(settings) > 1)
            out[key] = {"recall_at_10": round(statistics.mean(hits), 4),
                        "p50_ms": round(statistics.median(times), 3),
                        "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 3),
                        "index_build_s": round(build_s, 1)}
            await g.query("DROP VECTOR INDEX FOR (n:P) ON (n.v)")
    times = []
    for q in range(min(queries, 50)):
        t = time.perf_counter()
        await g.ro_query("MATCH (n:P) WITH n, vec.cosineDistance(n.v, vecf32($v)) AS d ORDER BY d LIMIT 10 "
                         "RETURN n.i", {"v": probes[q].tolist()})
        times.append((time.perf_counter() - t) * 1000)
    out["exact_in_store"] = {"recall_at_10": 1.0, "p50_ms": round(statistics.median(times), 3),
                             "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 3)}
    await g.delete()
    await root.close()
    chosen = {f"M_{m}_efc_{c}": next((ef for ef in efs if out[_key(m, c, ef, len(settings) > 1)]["recall_at_10"] >= 0.95),
                                     None) for m, c in settings}
    return {"inputs": {"source": source, "vectors": n, "queries": queries, "clusters": clusters, "M": ms,
                       "efConstruction": constructions, "load_s": round(load_s, 1), "corpus": provenance},
            "results": out, "smallest_ef_with_recall_0_95": chosen if len(settings) > 1 else next(iter(chosen.values()))}


def _key(m: int, construction: int, ef: int, full: bool) -> str:
    return f"M_{m}_efc_{construction}_ef_{ef}" if full else f"ef_{ef}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--clusters", type=int, default=50)
    parser.add_argument("--ef", type=int, nargs="+", default=[10, 50, 100, 200])
    parser.add_argument("--m", type=int, nargs="+", default=[16], help="HNSW M values (each with every --ef)")
    parser.add_argument("--ef-construction", type=int, nargs="+", default=[200],
                        help="HNSW efConstruction values (each with every --m and --ef)")
    parser.add_argument("--source", choices=["synthetic", "docstrings", "demo"], default="synthetic")
    args = parser.parse_args()
    harness.run(lambda server: measure(server, args.vectors, args.queries, args.ef, args.clusters, args.source,
                                       args.m, args.ef_construction))


if __name__ == "__main__":
    main()
