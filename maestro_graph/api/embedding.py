"""The app's embedding runtime: one encoder, the background worker and the similarity caches.

Started in the lifespan. The model itself loads on the first text to encode (in a thread), so
starting the API never imports torch; without sentence-transformers installed there is no
worker and similarity works on lexical and graph evidence alone.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from maestro_graph.config import Settings
from maestro_graph.embed.encoder import Encoder
from maestro_graph.embed.isolated import IsolatedEncoder
from maestro_graph.embed.worker import EmbeddingWorker
from maestro_graph.similarity.service import Similarity
from maestro_graph.similarity.snapshot import SnapshotCache
from maestro_graph.store.port import GraphStore


@dataclass
class EmbeddingRuntime:
    similarity: Similarity
    worker: EmbeddingWorker | None

    def changed(self, graph: str, label: str | None = None, node_id: str | None = None) -> None:
        """After a write: similarity snapshots are out of date, and a node's text may need a vector."""
        self.similarity.cache.changed(graph)
        if self.worker is not None and label is not None and node_id is not None:
            self.worker.submit(label, node_id, graph)


def make_encoder(settings: Settings) -> Encoder | None:
    """The process's encoder for these settings (None without sentence-transformers)."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return None
    return _shared_encoder(settings.embedding_model, settings.embedding_batch_size)


@functools.lru_cache(maxsize=4)
def _shared_encoder(model: str, batch_size: int) -> Encoder:
    """One model per process: it weighs ~90 MB and takes seconds to load, and every app, worker
    and command in the process can share it (encoding is thread-safe)."""
    return Encoder(model, batch_size=batch_size)


def make_background_encoder(settings: Settings) -> Encoder | None:
    """The background worker's encoder: a child process by default (reads keep their latency while
    texts embed; bench/embedding_speed.py), else the process's own encoder."""
    encoder = make_encoder(settings)
    if encoder is None or not settings.embedding_background_process:
        return encoder
    return _shared_isolated(settings.embedding_model, settings.embedding_batch_size,
                            settings.embedding_background_threads)


@functools.lru_cache(maxsize=4)
def _shared_isolated(model: str, batch_size: int, threads: int) -> IsolatedEncoder:
    """One child per process and setting, started on the first text: apps in one process (tests,
    benchmarks) share it; concurrent.futures stops it at interpreter exit."""
    return IsolatedEncoder(model, batch_size=batch_size, threads=threads)


@asynccontextmanager
async def embedding_runtime(store: GraphStore, settings: Settings) -> AsyncIterator[EmbeddingRuntime]:
    encoder = make_encoder(settings)
    similarity = Similarity(encoder, SnapshotCache(settings.similarity_cache_ttl_s), settings.embedding_exact_max_nodes)
    if encoder is None or not settings.embedding_background:
        yield EmbeddingRuntime(similarity, None)
        return
    worker = EmbeddingWorker(store, make_background_encoder(settings) or encoder, queue_size=settings.embedding_queue_size,
                             batch_size=settings.embedding_batch_size, on_embedded=similarity.cache.changed)
    async with worker:
        yield EmbeddingRuntime(similarity, worker)
