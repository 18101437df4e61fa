"""A small demo organisation in the per-test graph: enough projects to train on in seconds."""

from __future__ import annotations

import json

import pytest_asyncio

from gnn.data.snapshot import Snapshot, read_snapshot
from maestro_graph.demo.generate import generate
from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.store.port import GraphStore

SMALL = {"projects": 160, "artifacts": 40, "people": 30}


async def load(store: GraphStore, records: list[dict]) -> None:
    await import_lines(store, [json.dumps(r) for r in records], batch_size=1000)


@pytest_asyncio.fixture
async def demo_store(store: GraphStore) -> GraphStore:
    await load(store, generate(7, **SMALL))
    return store


@pytest_asyncio.fixture
async def snapshot(demo_store: GraphStore) -> Snapshot:
    return await read_snapshot(demo_store)
