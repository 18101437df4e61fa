"""`MAESTRO_RETRAIN_DAYS`: a stale model is replaced in the background, one trainer at a time."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from gnn.pipeline import train_and_save
from gnn.registry import INFO_FILE, models_root, newest
from maestro_graph.demo.generate import generate
from maestro_graph.service.retrain import LOCK_FILE, exclusive, retrain_if_stale
from maestro_graph.store.port import GraphStore
from tests.api.conftest import gql, serve
from tests.learn.conftest import load

TINY = {"projects": 40, "artifacts": 16, "people": 12}


def _trained_at(data_dir: Path) -> str:
    path = newest(models_root(data_dir))
    assert path is not None
    return json.loads((path / INFO_FILE).read_text())["trainedAt"]


async def test_nothing_retrains_without_a_model_a_fresh_model_or_the_lock(store: GraphStore, tmp_path: Path) -> None:
    await load(store, generate(7, **TINY))
    assert await retrain_if_stale(store, tmp_path, days=1e-9) is None  # no model: training stays explicit
    assert newest(models_root(tmp_path)) is None

    await train_and_save(store, tmp_path)
    before = _trained_at(tmp_path)
    assert await retrain_if_stale(store, tmp_path, days=30) is None  # fresh enough
    with exclusive(models_root(tmp_path) / LOCK_FILE) as mine:  # another worker is training
        assert mine
        assert await retrain_if_stale(store, tmp_path, days=1e-9) is None
    assert _trained_at(tmp_path) == before

    assert await retrain_if_stale(store, tmp_path, days=1e-9) is not None  # stale and the lock is free
    assert _trained_at(tmp_path) > before


async def test_the_server_replaces_a_stale_model_while_it_keeps_answering(store: GraphStore, tmp_path: Path) -> None:
    await load(store, generate(7, **TINY))
    await train_and_save(store, tmp_path)
    before = _trained_at(tmp_path)
    async with serve(store, data_dir=tmp_path, retrain_days=1e-9) as api:
        for _ in range(1200):  # a liveness bound (up to ~2 minutes on a loaded machine), not a timing check
            data = await gql(api.client, "{ modelInfo { trainedAt } }")
            if _trained_at(tmp_path) > before:
                break
            assert data["modelInfo"]["trainedAt"] == before  # the old model serves until the new one is written
            await asyncio.sleep(0.1)
        data = await gql(api.client, "{ modelInfo { trainedAt } }")
    assert data["modelInfo"]["trainedAt"] > before  # the registry picked the new directory up
