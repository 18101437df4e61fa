"""What `maestro import` says about a file: every problem at once, empty files, a write cut short."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.jsonl import ImportInterrupted, InvalidFile, import_lines
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore
from maestro_graph.store.port import GraphStore


def artifact(i: int, name: str = "lib", version: str | None = None) -> str:
    return json.dumps({"kind": "artifact", "id": f"a:{i}", "name": name, "artifactType": "library",
                       "version": version or f"1.{i}.0"})


async def test_every_problem_up_to_twenty_is_reported_with_line_and_field(store: GraphStore) -> None:
    lines = [json.dumps({"kind": "project", "id": f"p:{i}", "name": "x", "complexityScore": 99}) for i in range(25)]
    with pytest.raises(InvalidFile) as err:
        await import_lines(store, lines, batch_size=10)
    assert err.value.total == 25
    assert [(line, field) for line, field, _ in err.value.problems] == [(i, "complexityScore") for i in range(1, 21)]
    assert err.value.message.splitlines()[0] == "line 1: complexityScore must be between 1 and 10"
    assert err.value.message.splitlines()[-1] == "(and 5 more problems)"


async def test_a_line_without_kind_says_missing_kind(store: GraphStore) -> None:
    with pytest.raises(InvalidFile) as err:
        await import_lines(store, ['{"id": "p:1", "name": "x"}'], batch_size=10)
    assert err.value.problems == [(1, "kind", err.value.problems[0][2])]
    assert err.value.problems[0][2].startswith("missing kind")


@pytest.mark.parametrize("lines", [[], ["", "   ", ""]])
async def test_an_empty_file_says_so(store: GraphStore, lines: list[str]) -> None:
    with pytest.raises(InvalidInput, match="the file is empty"):
        await import_lines(store, lines, batch_size=10)


async def test_a_duplicate_name_and_version_in_one_file_names_both_lines(store: GraphStore) -> None:
    with pytest.raises(InvalidFile) as err:
        await import_lines(store, [artifact(1, version="2.0"), artifact(2), artifact(3, version="2.0")], batch_size=10)
    [(line, field, message)] = err.value.problems
    assert (line, field) == (3, "version") and "line 1" in message


async def test_an_import_cut_short_says_how_far_it_got_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    server = EmbeddedFalkorDB(tmp_path / "data")
    server.start()
    lines = [artifact(i) for i in range(30)]
    store = FalkorDBStore.connect(socket_path=str(server.socket_path), password=server.password, graph="g")
    try:
        await store.bootstrap()
        batches = []

        def lose_store_after_first_batch(n: int) -> None:
            batches.append(n)
            if len(batches) == 1:
                server.stop()

        with pytest.raises(ImportInterrupted) as err:
            await import_lines(store, lines, batch_size=10, progress=lose_store_after_first_batch)
        assert err.value.message.startswith("import stopped after writing 10 of 30 records")
        assert "run the same import again to finish it" in err.value.message
        server.start()
        report = await import_lines(store, lines, batch_size=10)
        assert (report.created["import_artifacts"], report.updated["import_artifacts"]) == (20, 10)
        assert len(await store.read("existing_artifact_versions", {"names": ["lib"]})) == 30
    finally:
        await store.close()
        server.stop()
