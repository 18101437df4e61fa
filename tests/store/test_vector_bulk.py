"""The bulk vector path (embed/bulk.py): vectors written with the index dropped, the index rebuilt.

What a user relies on: the same vectors end up stored (with model and text hash) as through the
per-batch path, the rebuilt index finds them, and the index is back even when a write fails.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from maestro_graph.embed.bulk import load_vectors
from maestro_graph.store.port import GraphStore
from maestro_graph.store.statements import Statements


def vectors(n: int, seed: int = 5) -> np.ndarray:
    data = np.random.default_rng(seed).normal(size=(n, 384))
    return (data / np.linalg.norm(data, axis=1, keepdims=True)).astype("float32")


async def projects(store: GraphStore, n: int) -> list[str]:
    ids = [f"p:{i:03d}" for i in range(n)]
    await store.write("import_projects", {"rows": [{"id": i, "props": {"name": i}} for i in ids]})
    return ids


async def test_bulk_loaded_vectors_are_found_by_the_rebuilt_index(backend_store: GraphStore) -> None:
    ids = await projects(backend_store, 60)
    data = vectors(60)
    rows = [{"id": i, "vector": v.tolist(), "model": "m", "hash": f"h{i}"} for i, v in zip(ids, data)]
    written = await load_vectors(backend_store, "Project", rows + [{"id": "p:none", "vector": data[0].tolist(),
                                                                     "model": "m", "hash": "x"}], batch_size=25)
    assert written == 60  # a row for a node that does not exist is skipped, as in the per-batch path
    for i in (0, 17, 59):
        nearest = await backend_store.read("project_neighbours_ann", {"id": None, "vector": data[i].tolist(), "k": 3})
        assert nearest[0]["id"] == ids[i]
        assert nearest[0]["similarity"] == pytest.approx(1.0, abs=1e-3)
        # the index and exact search agree on the neighbours of a stored project
        ann = await backend_store.read("project_neighbours_ann", {"id": ids[i], "vector": None, "k": 5})
        exact = await backend_store.read("project_neighbours_exact", {"id": ids[i], "vector": None, "k": 5})
        assert [r["id"] for r in ann] == [r["id"] for r in exact]
    state = {r["id"]: r for r in await backend_store.read("embedding_state_projects", {"ids": ids[:3]})}
    assert [state[i]["embeddingModel"] for i in ids[:3]] == ["m", "m", "m"]
    assert [state[i]["embeddingTextHash"] for i in ids[:3]] == [f"h{i}" for i in ids[:3]]


async def test_the_bulk_path_stores_the_same_vectors_as_the_per_batch_path(backend_store: GraphStore) -> None:
    ids = await projects(backend_store, 20)
    data = vectors(20, seed=9)
    rows = [{"id": i, "vector": v.tolist(), "model": "m", "hash": "h"} for i, v in zip(ids, data)]
    await backend_store.write("set_project_embeddings", {"rows": rows[:10]})
    await load_vectors(backend_store, "Project", rows[10:])
    # every stored vector compares as its source does, whichever path wrote it
    for i in (3, 15):
        scores = await backend_store.read("project_semantic_scores", {"id": ids[i], "vector": None, "ids": ids})
        expected = data @ data[i]
        assert {r["id"]: r["similarity"] for r in scores} == pytest.approx(dict(zip(ids, expected)), abs=1e-4)


async def test_a_failed_bulk_write_still_rebuilds_the_index_and_a_missing_one_is_built(backend_store: GraphStore) -> None:
    ids = await projects(backend_store, 10)
    data = vectors(10, seed=2)
    good = [{"id": i, "vector": v.tolist(), "model": "m", "hash": "h"} for i, v in zip(ids, data)]
    await backend_store.write("drop_project_vector_index")  # an index already absent is no error
    await load_vectors(backend_store, "Project", good)
    with pytest.raises(Exception):
        await load_vectors(backend_store, "Project", [{"id": ids[0], "vector": {"not": "a vector"}, "model": "m",
                                                       "hash": "h"}])
    nearest = await backend_store.read("project_neighbours_ann", {"id": None, "vector": data[4].tolist(), "k": 1})
    assert [r["id"] for r in nearest] == [ids[4]]


def test_the_rebuilt_index_has_the_schema_options() -> None:
    """create_*_vector_index must build what schema.cypher builds (dimension, similarity, M, ef)."""
    for dialect in ("falkordb", "neo4j"):
        statements = Statements.load(dialect)
        ddl = [" ".join(s.split()) for s in statements.ddl()]
        for label in ("project", "artifact"):
            create = " ".join(line for line in statements[f"create_{label}_vector_index"].splitlines()
                              if not line.startswith("//"))
            assert " ".join(create.split()) in ddl, (dialect, label)


async def test_an_index_built_with_older_options_is_found_and_rebuilt(store: GraphStore) -> None:
    """A graph indexed by an older release (another efRuntime) keeps that index until `maestro embed`
    rebuilds it; the rebuilt index has today's options and still finds the stored vectors."""
    from maestro_graph.commands.embed import rebuild_stale_indexes
    from maestro_graph.embed.bulk import stale_indexes, wait_for_index

    ids = await projects(store, 12)
    data = vectors(12, seed=4)
    await store.write("set_project_embeddings", {"rows": [{"id": i, "vector": v.tolist(), "model": "m", "hash": "h"}
                                                          for i, v in zip(ids, data)]})
    assert await stale_indexes(store) == {}
    await store.write("drop_project_vector_index")
    today = Statements.load("falkordb")["create_project_vector_index"]
    current = int(re.search(r"efRuntime: (\d+)", today).group(1))  # type: ignore[union-attr]
    old = today.replace(f"efRuntime: {current}", f"efRuntime: {current * 8}")
    await store._statement(store.graph, old, False)  # type: ignore[attr-defined]  # what an older release created
    await wait_for_index(store, "Project")  # an older release's index is built (one under construction may not list its options yet)
    assert await stale_indexes(store) == {"Project": {"efRuntime": (current * 8, current)}}
    assert await rebuild_stale_indexes(store) == ["Project"]
    assert await stale_indexes(store) == {}
    nearest = await store.read("project_neighbours_ann", {"id": None, "vector": data[7].tolist(), "k": 1})
    assert [r["id"] for r in nearest] == [ids[7]]
