"""A write that answers the changed node answers it without its vector, like every read.

The mutations on an existing project (update, team member, artifact usage) answer the project;
once the embedding worker has given it a vector, that answer must not carry 384 floats.
"""

from __future__ import annotations

from maestro_graph.service import writes
from maestro_graph.store.port import GraphStore

VECTOR_KEYS = {"embedding", "embeddingModel", "embeddingTextHash"}


async def test_writes_on_an_embedded_project_answer_no_vector(store: GraphStore) -> None:
    project = await writes.create_project(store, {"name": "churn model"}, "p:1")
    artifact = await writes.register_artifact(store, {"name": "xgb", "artifactType": "library"})
    await store.write("set_project_embeddings", {"rows": [
        {"id": "p:1", "vector": [0.05] * 384, "model": "m", "hash": "h"}]})

    answers = [
        await writes.update_project(store, project["id"], {"description": "predicts churn"}),
        await writes.add_team_member(store, project["id"], "u:1", "lead", "Ada"),
        await writes.log_artifact_usage(store, project["id"], artifact["id"], "training", 0.5),
    ]

    for answer in answers:
        assert answer["id"] == "p:1"
        assert not {k for k, v in answer.items() if v is not None} & VECTOR_KEYS
    assert answers[0]["description"] == "predicts churn"
    # the vector is still stored: only the answer leaves it out
    state = await store.read("embedding_state_projects", {"ids": ["p:1"]})
    assert state and state[0]["hasEmbedding"] is True
