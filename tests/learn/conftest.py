"""A small demo organisation in its own graph: enough projects to train on in seconds.

`small_org` loads it and trains once per session (the data and training are deterministic);
tests that change the graph use `demo_store`, a fresh copy in the per-test graph.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from gnn.data.snapshot import Snapshot, read_snapshot
from maestro_graph.demo.generate import generate
from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.store.falkordb import FalkorDBStore
from maestro_graph.store.port import GraphStore

SMALL = {"projects": 160, "artifacts": 40, "people": 30}


async def load(store: GraphStore, records: list[dict]) -> None:
    await import_lines(store, [json.dumps(r) for r in records], batch_size=1000)


@dataclass
class SmallOrg:
    store: GraphStore
    snapshot: Snapshot
    data_dir: Path  # holds one trained model directory
    model_path: Path


@pytest_asyncio.fixture(scope="session")
async def small_org(falkordb_root: FalkorDBStore, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SmallOrg]:
    from gnn.pipeline import train_and_save

    store = falkordb_root.for_graph(f"test_small_{uuid.uuid4().hex[:8]}")
    await store.bootstrap()
    await load(store, generate(7, **SMALL))
    data_dir = tmp_path_factory.mktemp("maestro_data")
    path = await train_and_save(store, data_dir)
    yield SmallOrg(store, await read_snapshot(store), data_dir, path)
    await store.drop_graph(store.graph)


@pytest_asyncio.fixture
async def demo_store(store: GraphStore) -> GraphStore:
    await load(store, generate(7, **SMALL))
    return store


@pytest.fixture
def snapshot(small_org: SmallOrg) -> Snapshot:
    return small_org.snapshot
