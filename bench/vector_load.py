"""Loading project vectors: per batch with the HNSW index in place (before) vs the bulk path (after).

Two graphs in one run, the same `--vectors` projects (id, name, problem class, status: indexed
properties as in serving) and the same synthetic clustered unit vectors (384-d):

- `per_batch`: `set_project_embeddings` in statements of 500 rows with the vector index in place
  (what `maestro embed` and the old benches did): every write inserts its vectors into the HNSW
  graph;
- `bulk`: `maestro_graph/embed/bulk.py::load_vectors`: the index dropped, statements of 2,000
  rows, the index built once over what is stored, waited for, and the append-only file compacted.

Output: seconds and vectors/s of each, the ratio, and a check that both indexes answer the same
nearest neighbours for `--queries` stored vectors (each its own nearest, recall of the bulk
index's top 10 against the per-batch one's).

    .venv/bin/python bench/vector_load.py [--vectors 20000] [--queries 50]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import harness
import numpy as np

from maestro_graph.embed.bulk import load_vectors
from maestro_graph.store.falkordb import FalkorDBStore

CLASSES = ("classification", "regression", "nlp", "forecasting", "recommendation", "other")


def clustered(n: int, clusters: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, 384))
    points = centres[rng.integers(0, clusters, n)] + rng.normal(scale=0.9, size=(n, 384))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype("float32")


async def measure(server: Any, n: int, queries: int) -> dict[str, Any]:
    root = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="unused", timeout_s=30)
    data = clustered(n, 50, 1)
    ids = [f"p:{i:06d}" for i in range(n)]
    rows = [{"id": i, "vector": data[k].tolist(), "model": "synthetic", "hash": "synthetic"} for k, i in enumerate(ids)]
    out: dict[str, Any] = {}
    stores = {}
    for path in ("per_batch", "bulk"):
        store = root.for_graph(path)
        await store.bootstrap()
        for start in range(0, n, 2000):
            await store.write("import_projects", {"rows": [
                {"id": i, "props": {"name": f"project {i}", "problemClass": CLASSES[k % len(CLASSES)], "status": "active"}}
                for k, i in enumerate(ids[start:start + 2000], start)]})
        t = time.perf_counter()
        if path == "bulk":
            await load_vectors(store, "Project", rows)
        else:
            for start in range(0, n, 500):
                await store.write("set_project_embeddings", {"rows": rows[start:start + 500]})
        seconds = time.perf_counter() - t
        out[path] = {"seconds": round(seconds, 1), "vectors_per_s": round(n / seconds, 1)}
        stores[path] = store
    out["speedup"] = round(out["per_batch"]["seconds"] / out["bulk"]["seconds"], 2)
    own, overlap = 0, []
    for q in np.random.default_rng(2).choice(n, size=min(queries, n), replace=False):
        found = {}
        for path, store in stores.items():
            hits = await store.read("project_neighbours_ann", {"id": None, "vector": data[q].tolist(), "k": 10})
            found[path] = [h["id"] for h in hits]
        own += found["bulk"][0] == ids[q]
        overlap.append(len(set(found["bulk"]) & set(found["per_batch"])) / 10)
    out["bulk_index"] = {"own_vector_first": round(own / min(queries, n), 3),
                         "top10_overlap_with_per_batch": round(float(np.mean(overlap)), 3)}
    await root.close()
    return {"inputs": {"vectors": n, "queries": queries, "clusters": 50}, "results": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    harness.run(lambda server: measure(server, args.vectors, args.queries))


if __name__ == "__main__":
    main()
