"""The background encoder in a child process, so embedding never competes with reads for the GIL.

Encoding in a thread of the serving process made a point read's p99 6.7x its idle value while
2,000 texts embedded (bench/embedding_speed.py): torch's tokenisation and glue hold the GIL, and
its kernels take every core. One spawned child process, lowered in priority (`os.nice`) and
limited to `threads` torch threads, holds its own copy of the model (loaded once, on the first
batch); the serving process only waits on a future, which releases the GIL.

`IsolatedEncoder` is an `Encoder` (`name`, `batch_size`, `load`, `loaded`, `encode`),
so `embed_nodes` and the worker use either unchanged. `maestro embed` and `maestro import` keep
the in-process encoder: there nothing else is serving and all cores should encode.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from maestro_graph.embed.encoder import Encoder, EncoderUnavailable

_child: Encoder | None = None  # the encoder inside the child process
PARENT_POLL_S = 1.0


def _exit_with(parent: int) -> None:
    """The child's watch: leave as soon as the process that started it is gone.

    Why: concurrent.futures stops its workers at the parent's normal exit, but a parent that is
    killed, or exits past that hook, left a child holding a model (~500 MB) with ppid 1 for good
    (seen after a test run). Polling the parent pid is portable and costs nothing.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(0)


def _start_child(setting: str, batch_size: int, threads: int, niceness: int) -> None:
    """Runs once in the child: watch the parent, lower its priority, cap torch's threads, keep an encoder."""
    global _child
    threading.Thread(target=_exit_with, args=(os.getppid(),), name="maestro-parent-watch", daemon=True).start()
    if niceness > 0:
        os.nice(niceness)
    import torch

    torch.set_num_threads(max(1, threads))
    _child = Encoder(setting, batch_size=batch_size)


def _child_load() -> bool:
    assert _child is not None
    _child.load()
    return True


def _child_encode(texts: list[str]) -> list[list[float]]:
    assert _child is not None
    return _child.encode(texts)


class IsolatedEncoder(Encoder):
    """An `Encoder` whose model runs in one spawned child process; thread-safe, started lazily.

    A subclass so every `Encoder` consumer takes it; the parent never holds a model (`_model`
    stays None), only the child does.
    """

    def __init__(self, setting: str, *, batch_size: int = 64, threads: int = 1, niceness: int = 10) -> None:
        super().__init__(setting, batch_size=batch_size)
        self.threads = threads
        self.niceness = niceness
        self._pool: ProcessPoolExecutor | None = None
        self._loaded = False

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: forking a process that runs an event loop, threads and maybe
                # torch copies locks held by other threads into the child.
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_child,
                    initargs=(self.name, self.batch_size, self.threads, self.niceness))
            return self._pool

    def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return self._executor().submit(fn, *args).result()
        except BrokenProcessPool:
            # The child died (killed, out of memory): the next call starts a fresh one.
            with self._lock:
                self._pool = None
                self._loaded = False
            raise

    def load(self) -> Any:
        """Start the child and load its model (blocking); EncoderUnavailable if it cannot."""
        try:
            self._call(_child_load)
        except EncoderUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - a child that cannot start means no model here
            raise EncoderUnavailable(f"cannot start the embedding process: {exc}") from exc
        self._loaded = True

    @property
    def loaded(self) -> bool:
        return self._loaded

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        """Normalised vectors, one per text, in order; blocks the calling thread, not the GIL."""
        if not texts:
            return []
        vectors: list[list[float]] = self._call(_child_encode, list(texts))
        self._loaded = True
        return vectors

    def close(self) -> None:
        """Stop the child (the app's lifespan end; also run at interpreter exit by concurrent.futures)."""
        with self._lock:
            pool, self._pool, self._loaded = self._pool, None, False
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
