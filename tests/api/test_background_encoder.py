"""The API's background encoder runs the model in a child process and gives the same vectors.

The point of the child is latency (bench/embedding_speed.py measures it); what a user relies on,
and what these tests check, is that it embeds what the in-process encoder would, that the app
uses it by default, and that the setting turns it off.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from maestro_graph.api.embedding import make_background_encoder, make_encoder
from maestro_graph.embed.encoder import Encoder, EncoderUnavailable
from maestro_graph.embed.isolated import IsolatedEncoder
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
