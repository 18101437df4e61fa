"""A project's state and an artifact's kind as real sources write them ("In progress", "model")."""

from __future__ import annotations

import json

import pytest

from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.jsonl import InvalidFile, import_lines
from maestro_graph.model import read_status
from maestro_graph.service.reads import nodes_by_id
from maestro_graph.store.port import GraphStore


async def _import(store: GraphStore, records: list[dict]) -> None:
    await import_lines(store, [json.dumps(r) for r in records], batch_size=10)


async def _node(store: GraphStore, node_id: str) -> dict | None:
    label = "Project" if node_id.startswith("p:") else "Artifact"
    return (await nodes_by_id(store, label, [node_id]))[0]


@pytest.mark.parametrize(("word", "status"), [
    ("In progress", "active"), ("in-progress", "active"), ("ON HOLD", "active"), ("Done", "completed"),
    ("deployed", "completed"), ("canceled", "cancelled"), ("Abandoned", "cancelled"), ("Backlog", "planned"),
    ("completed", "completed"),
])
async def test_a_usual_word_for_a_state_is_read_as_that_state(store: GraphStore, word: str, status: str) -> None:
    await _import(store, [{"kind": "project", "id": "p:1", "name": "churn", "status": word}])
    assert (await _node(store, "p:1"))["status"] == status


@pytest.mark.parametrize("word", ["failed", "someday", "42"])
def test_a_state_nobody_can_read_is_refused_and_failed_is_pointed_at_the_outcome(word: str) -> None:
    with pytest.raises(InvalidInput) as error:
        read_status(word)
    assert error.value.field == "status" and "in progress" in error.value.message
    assert ("outcome.success false" in error.value.message) == (word == "failed")


async def test_a_refused_state_writes_nothing(store: GraphStore) -> None:
    with pytest.raises(InvalidFile) as error:
        await _import(store, [{"kind": "project", "id": "p:ok", "name": "fine", "status": "done"},
                              {"kind": "project", "id": "p:bad", "name": "bad", "status": "failed"}])
    assert "line 2" in str(error.value) and "outcome.success false" in str(error.value)
    assert await _node(store, "p:ok") is None


async def test_artifact_kinds_map_and_an_unknown_kind_is_other_with_its_name_kept(store: GraphStore) -> None:
    await _import(store, [
        {"kind": "artifact", "id": "a:m", "name": "xgb-template", "artifactType": "Model"},
        {"kind": "artifact", "id": "a:p", "name": "pii-scrubber", "artifactType": "python package"},
        {"kind": "artifact", "id": "a:c", "name": "fraud-card", "artifactType": "model-card", "metadata": {"owner": "risk"}},
        {"kind": "artifact", "id": "a:n", "name": "untyped"},
    ])
    assert (await _node(store, "a:m"))["artifactType"] == "model_template"
    assert (await _node(store, "a:p"))["artifactType"] == "library"
    card = await _node(store, "a:c")
    assert card["artifactType"] == "other" and json.loads(card["metadata"]) == {"owner": "risk", "artifactType": "model-card"}
    assert (await _node(store, "a:n"))["artifactType"] == "other"
