"""The API's background encoder runs the model in a child process and gives the same vectors.

The point of the child is latency (bench/embedding_speed.py measures it); what a user relies on,
and what these tests check, is that it embeds what the in-process encoder would, that the app
uses it by default, and that the setting turns it off.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest

from maestro_graph.api.embedding import make_background_encoder, make_encoder
from maestro_graph.embed.encoder import Encoder, EncoderUnavailable
from maestro_graph.embed.isolated import IsolatedEncoder
from maestro_graph.embed.worker import EmbeddingWorker
from tests.api.conftest import Api, gql
from tests.conftest import env_settings

TEXTS = ["Detect fraudulent card transactions in real time", "Forecast weekly product demand per store", ""]


def test_the_child_process_encodes_exactly_what_the_process_encoder_does() -> None:
    settings = env_settings()
    background = make_background_encoder(settings)
    local = make_encoder(settings)
    assert isinstance(background, IsolatedEncoder) and local is not None and not isinstance(local, IsolatedEncoder)
    assert background.name == local.name  # same stored `embeddingModel`: no re-embedding when switching
    assert background.encode([]) == []
    ours, theirs = background.encode(TEXTS), local.encode(TEXTS)
    assert background.loaded and len(ours) == len(TEXTS) and len(ours[0]) == 384
    for a, b in zip(ours, theirs):
        assert max(abs(x - y) for x, y in zip(a, b)) < 1e-4
        assert math.isclose(sum(x * x for x in a), 1.0, rel_tol=1e-4)


def test_turning_the_setting_off_keeps_the_encoder_in_process() -> None:
    settings = env_settings().model_copy(update={"embedding_background_process": False})
    assert type(make_background_encoder(settings)) is Encoder


def test_a_model_the_child_cannot_load_is_reported_as_unavailable(tmp_path: Path) -> None:
    broken = IsolatedEncoder(str(tmp_path))  # a directory without a model
    try:
        with pytest.raises(EncoderUnavailable):
            broken.load()
        assert not broken.loaded
    finally:
        broken.close()


async def test_the_app_embeds_a_created_project_through_the_child(api: Api) -> None:
    worker = api.app.state.embedding.worker
    assert isinstance(worker.encoder, IsolatedEncoder)
    await gql(api.client, 'mutation { createProject(input: {id: "p:iso", name: "fraud radar", '
                          'description: "finds fraud in card payments"}) { ... on Project { id } } }')
    await worker.drained()
    state = await api.store.read("embedding_state_projects", {"ids": ["p:iso"]})
    assert state[0]["hasEmbedding"] and state[0]["embeddingModel"] == worker.encoder.name



class LostCancellation:
    """Fault injection: a store whose read turns a cancellation into an ordinary error, as a
    client library racing its own timeout can. The worker must still stop."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.graph = "lost"
        self.reads = 0

    def for_graph(self, graph: str) -> LostCancellation:
        return self

    async def read(self, name: str, params: object = None, **kw: object) -> list[dict[str, object]]:
        self.reads += 1
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            raise RuntimeError("interrupted") from None  # the worker never sees the cancellation
        return []


async def test_the_worker_stops_even_when_a_cancellation_is_swallowed() -> None:
    store = LostCancellation(None)
    worker = EmbeddingWorker(store, Encoder("unused"), queue_size=10)  # type: ignore[arg-type]
    await worker.__aenter__()
    worker.submit("Project", "p:1")
    while store.reads == 0:
        await asyncio.sleep(0.01)
    closing = asyncio.create_task(worker.__aexit__(None, None, None))
    done, _ = await asyncio.wait({closing}, timeout=10)  # before the fix: waited forever
    assert closing in done, "the worker did not stop"
    assert worker._task is not None and worker._task.done()


def test_the_encoder_child_leaves_when_its_parent_is_killed(tmp_path: Path) -> None:
    """A parent killed with SIGKILL runs no exit hook: the child must notice on its own, or it
    holds its model with ppid 1 for good."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = ("import os, sys\n"
              "from maestro_graph.embed.isolated import IsolatedEncoder\n"
              "enc = IsolatedEncoder('all-MiniLM-L6-v2')\n"
              "print(enc._executor().submit(os.getpid).result(), flush=True)\n"
              "sys.stdin.read()\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        os.kill(child, 0)  # alive while its parent is
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        os.kill(child, signal.SIGKILL)
        pytest.fail("the encoder child outlived its killed parent")
    finally:
        if parent.poll() is None:
            parent.kill()
