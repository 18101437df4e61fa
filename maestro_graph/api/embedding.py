"""The app's embedding runtime: one encoder, the background worker and the similarity caches.

Started in the lifespan. Starting the API never waits for a model: when the graph already holds
vectors, the query encoder loads in a background thread (`warmup`), so the first
`searchArtifacts` or `similarProjects(spec)` finds it ready instead of paying seconds of loading
inside its request budget; otherwise it loads on the first text to encode. Without
sentence-transformers installed nothing imports torch: there is no worker and similarity works
on lexical and graph evidence alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from maestro_graph.config import Settings
from maestro_graph.embed.encoder import Encoder, EncoderUnavailable
from maestro_graph.embed.isolated import IsolatedEncoder
from maestro_graph.embed.worker import EmbeddingWorker
from maestro_graph.similarity.service import Similarity
from maestro_graph.similarity.snapshot import SnapshotCache
from maestro_graph.store.port import GraphStore

log = logging.getLogger("maestro.embed")


@dataclass
class EmbeddingRuntime:
    similarity: Similarity
    worker: EmbeddingWorker | None
    warmup: asyncio.Task[None] | None = None  # the query encoder loading at start, when vectors exist

    def changed(self, graph: str, label: str | None = None, node_id: str | None = None) -> None:
        """After a write: similarity snapshots are out of date, and a node's text may need a vector."""
        self.similarity.cache.changed(graph)
        if self.worker is not None and label is not None and node_id is not None:
            self.worker.submit(label, node_id, graph)


def make_encoder(settings: Settings) -> Encoder | None:
    """The process's encoder for these settings (None without sentence-transformers)."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return None
    return _shared_encoder(settings.embedding_model, settings.embedding_batch_size,
                           settings.embedding_query_runtime, settings.model_cache_dir)


@functools.lru_cache(maxsize=4)
def _shared_encoder(model: str, batch_size: int, query_runtime: str, cache_dir: Path) -> Encoder:
    """One model per process: it weighs ~90 MB and takes seconds to load, and every app, worker
    and command in the process can share it (encoding is thread-safe)."""
    return Encoder(model, batch_size=batch_size, query_runtime=query_runtime, cache_dir=cache_dir)


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


async def _has_vectors(store: GraphStore) -> bool:
    try:
        return bool(await store.read("embedding_any"))
    except Exception as exc:  # noqa: BLE001 - a store that cannot answer now just means no warm-up
        log.warning("cannot tell whether the graph holds vectors: %s", exc)
        return False


async def _warm(encoder: Encoder) -> None:
    """Load the model, run it once (the first call also sets up torch's kernels) and build the
    ONNX query runtime (an export the first time on a machine, seconds; embed/onnx.py).

    Then freeze the heap again: torch and transformers add a few hundred thousand long-lived
    objects, and full collections walking them took point reads under wrk from ~1,660 to ~1,050
    requests/s and p99 from 65 to 333 ms (2 workers, measured); frozen, collections skip them.
    The lifespan's `frozen_startup_heap` releases them at shutdown. Not reached when cancelled.
    """
    try:
        await asyncio.to_thread(encoder.encode, ["warm up"])
        await asyncio.to_thread(encoder.prepare_query_runtime)
    except EncoderUnavailable as exc:
        log.warning("query encoder unavailable: %s", exc)
        return
    gc.freeze()


async def start_warmup(store: GraphStore, settings: Settings, encoder: Encoder | None) -> asyncio.Task[None] | None:
    """The warm-up task when there is a model to warm and the graph holds vectors, else None."""
    if encoder is None or encoder.loaded or not settings.embedding_warmup or not await _has_vectors(store):
        return None
    return asyncio.create_task(_warm(encoder), name="maestro-query-encoder-warmup")


@asynccontextmanager
async def embedding_runtime(store: GraphStore, settings: Settings) -> AsyncIterator[EmbeddingRuntime]:
    encoder = make_encoder(settings)
    cache = SnapshotCache(settings.similarity_cache_ttl_s, sync_max=settings.similarity_sync_rebuild_max)
    similarity = Similarity(encoder, cache, settings.embedding_exact_max_nodes)
    warmup = await start_warmup(store, settings, encoder)
    if warmup is not None:
        cache.warm(store)  # the graph holds vectors: similarity is in use, have its snapshot ready too
    try:
        if encoder is None or not settings.embedding_background:
            yield EmbeddingRuntime(similarity, None, warmup)
            return
        worker = EmbeddingWorker(store, make_background_encoder(settings) or encoder,
                                 queue_size=settings.embedding_queue_size, batch_size=settings.embedding_batch_size,
                                 on_embedded=similarity.vectors_written)
        async with worker:
            yield EmbeddingRuntime(similarity, worker, warmup)
    finally:
        await cache.close()
        if warmup is not None and not warmup.done():
            warmup.cancel()  # the thread finishes loading on its own; nobody waits for it
            with contextlib.suppress(BaseException):
                await warmup
