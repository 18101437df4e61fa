"""The store keeps artifact name+version unique, and a legacy graph that breaks the rule still starts."""

from __future__ import annotations

import uuid

import pytest

from maestro_graph.errors import Conflict
from maestro_graph.service.writes import register_artifact
from maestro_graph.store.port import GraphStore


async def test_the_store_itself_refuses_a_second_node_with_the_same_name_and_version(store: GraphStore) -> None:
    row = {"id": "a:1", "props": {"name": "lib", "version": "1.0", "artifactType": "library"}}
    await store.write("import_artifacts", {"rows": [row]})
    with pytest.raises(Conflict):  # even a statement that does not check, like a bulk import
        await store.write("import_artifacts", {"rows": [{**row, "id": "a:2"}]})


async def test_a_graph_with_duplicates_from_before_the_constraint_still_starts(store: GraphStore) -> None:
    legacy = store.for_graph(f"legacy-{uuid.uuid4().hex[:8]}")
    try:
        await legacy.write("import_artifacts", {"rows": [
            {"id": f"a:{i}", "props": {"name": "lib", "version": "1.0", "artifactType": "library"}} for i in (1, 2)]})
        await legacy.bootstrap()  # warns instead of waiting forever for a constraint that cannot hold
        with pytest.raises(Conflict):
            await register_artifact(legacy, {"name": "lib", "version": "1.0", "artifactType": "library"})
        created = await register_artifact(legacy, {"name": "lib", "version": "1.1", "artifactType": "library"})
        assert created["version"] == "1.1"
    finally:
        await store.drop_graph(legacy.graph)
