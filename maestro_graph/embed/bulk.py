"""Writing many vectors at once: written without the vector index, the index then built once.

FalkorDB inserts every vector a statement writes into the label's HNSW graph inside that
statement (efConstruction 200 neighbours searched per insert). Building the index over vectors
already stored does the same HNSW work in one pass inside the store, after writes that touch no
index. `bench/vector_load.py` measures both paths in one run: on the loaded 2-core machine the
bulk path was 1.35x faster at 5k vectors and 1.12x at 20k (an earlier ~25 vectors/s at 100k did
not reproduce), and it lets a benchmark build several indexes over vectors written once.

The index is absent while the vectors are written and while it is built: the index refuses
queries until it is back, and the similarity service answers with exact search meanwhile
(slower: ~60 ms at 100k). So this path is for loads where nothing is serving that label's index
(benchmarks, a first fill of a large graph); `load_vectors` always rebuilds the index, even when
a write fails, and waits until the store says it is built. The append-only file is compacted at
the end (see `GraphStore.checkpoint`: writes that follow index DDL replay slowly).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from typing import Any

from maestro_graph.errors import StoreUnavailable
from maestro_graph.store.port import GraphStore, StoreQueryError
from maestro_graph.store.statements import Statements
from maestro_graph.store.values import Vector

WRITE = {"Project": "set_project_embeddings", "Artifact": "set_artifact_embeddings"}
DROP = {"Project": "drop_project_vector_index", "Artifact": "drop_artifact_vector_index"}
CREATE = {"Project": "create_project_vector_index", "Artifact": "create_artifact_vector_index"}
READY = frozenset({"OPERATIONAL", "ONLINE"})  # FalkorDB, Neo4j
BATCH = 2000  # rows per statement: no index to update, so the statement's size is what matters
TUNED = re.compile(r"\b(M|efConstruction|efRuntime)\s*:\s*(\d+)")  # HNSW options written in CREATE


async def load_vectors(
    store: GraphStore, label: str, rows: Sequence[Mapping[str, Any]], *, batch_size: int = BATCH,
    timeout_s: float = 3600.0,
) -> int:
    """Write `rows` ({id, vector, model, hash}) of `label` with the index dropped, then rebuild it.

    Returns how many nodes got a vector. Rows whose id matches no node are skipped, as in the
    per-batch write path.
    """
    if label not in WRITE:
        raise ValueError(f"no vectors for label {label!r}")
    await _drop_index(store, label)
    written = 0
    try:
        for start in range(0, len(rows), batch_size):
            chunk = [{**row, "vector": Vector(row["vector"])} for row in rows[start : start + batch_size]]
            result = await store.write(WRITE[label], {"rows": chunk})
            written += int(result[0]["updated"]) if result else 0
    finally:
        await _build_index(store, label, timeout_s)
    return written


async def _build_index(store: GraphStore, label: str, timeout_s: float) -> None:
    """Create `label`'s vector index over what is stored, wait until it is built, compact the
    append-only file (writes that follow index DDL replay slowly)."""
    await store.write(CREATE[label])
    await wait_for_index(store, label, timeout_s=timeout_s)
    await store.checkpoint()


async def _drop_index(store: GraphStore, label: str) -> None:
    try:
        await store.write(DROP[label])
    except StoreQueryError as exc:  # FalkorDB has no IF EXISTS: a missing index is what we want
        if "no such index" not in str(exc).lower() and "unable to drop" not in str(exc).lower():
            raise


async def index_ready(store: GraphStore, label: str) -> bool:
    """Whether `label`'s vector index exists and is built. FalkorDB builds one in the background
    (after CREATE, and after a restart from what is stored) and refuses queries until it is done."""
    states = [row["state"] for row in await store.read("vector_index_states") if row["label"] == label]
    return bool(states) and all(state in READY for state in states)


async def wait_for_index(store: GraphStore, label: str, *, timeout_s: float = 3600.0) -> None:
    """Wait until the store reports `label`'s index built (FalkorDB builds it in the background)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    delay = 0.02
    while loop.time() < deadline:
        if await index_ready(store, label):
            return
        await asyncio.sleep(delay)
        delay = min(1.0, delay * 2)
    raise StoreUnavailable(f"the {label} vector index was not built within {timeout_s:g}s")


async def stale_indexes(store: GraphStore) -> dict[str, dict[str, tuple[int, int]]]:
    """Label -> {option: (what the index has, what create_*_vector_index asks)} where they differ.

    FalkorDB keeps the HNSW options an index was created with. A graph indexed by an older
    release (efRuntime 10 or 400: recall@10 0.52-0.69 at 100k) keeps answering with them until
    the index is rebuilt: `maestro embed` rebuilds such indexes (`rebuild_index`).
    """
    # db.indexes() answers a row per index of a label; only the vector index's row has options, and
    # the rows' order is not fixed (taking the last row per label once read a range index's None)
    have = {row["label"]: row["options"] for row in await store.read("vector_index_options") if row["options"]}
    statements = Statements.load(store.dialect)
    stale: dict[str, dict[str, tuple[int, int]]] = {}
    for label, create in CREATE.items():
        if label not in have:
            continue
        wanted = {key: int(value) for key, value in TUNED.findall(statements[create])}
        differ = {key: (int(have[label].get(key, -1)), value) for key, value in wanted.items()
                  if int(have[label].get(key, -1)) != value}
        if differ:
            stale[label] = differ
    return stale


async def rebuild_index(store: GraphStore, label: str, *, timeout_s: float = 3600.0) -> None:
    """Drop `label`'s vector index and build it again over the stored vectors with today's options."""
    await _drop_index(store, label)
    await _build_index(store, label, timeout_s)
