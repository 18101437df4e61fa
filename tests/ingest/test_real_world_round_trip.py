"""What a real-world file keeps (outcome extras, the finer problem name, odd versions) survives export."""

from __future__ import annotations

import json
import time
from pathlib import Path

from maestro_graph.ingest.export import export_file
from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.store.port import GraphStore

RECORDS = [
    {"kind": "project", "id": "p:python3-magics++", "name": "magics", "problemClass": "Object-Detection",
     "outcome": {"success": True, "score": 0.91}, "homepage": "https://example.org"},
    {"kind": "artifact", "id": "deb:numpy/1:1.26.4+ds-6", "name": "numpy", "artifactType": "library",
     "version": "1:1.26.4+ds-6"},
    {"kind": "artifact", "id": "deb:numpy/1:1.24.2-1", "name": "numpy", "artifactType": "library",
     "version": "1:1.24.2-1"},
]


async def test_export_then_import_rebuilds_the_same_graph(store: GraphStore, tmp_path: Path) -> None:
    await import_lines(store, [json.dumps(r) for r in RECORDS], batch_size=10)
    first = tmp_path / "first.jsonl"
    await export_file(store, first)
    exported = [json.loads(line) for line in first.read_text().splitlines()]
    project = next(r for r in exported if r["kind"] == "project")
    assert project["problemClass"] == "vision" and project["problemSubclass"] == "Object-Detection"
    assert project["outcome"] == {"success": True, "score": 0.91}
    assert all("versionKey" not in r for r in exported)
    assert {(r["from"], r["to"]) for r in exported if r.get("type") == "NEW_VERSION_OF"} == {
        ("deb:numpy/1:1.26.4+ds-6", "deb:numpy/1:1.24.2-1")}

    other = store.for_graph(store.graph + "-copy")
    await other.bootstrap()
    try:
        report = await import_lines(other, first.read_text().splitlines(), batch_size=10)
        assert sum(report.created.values()) == len(exported)
        second = tmp_path / "second.jsonl"
        await export_file(other, second)
        assert sorted(second.read_text().splitlines()) == sorted(first.read_text().splitlines())
    finally:
        await store.drop_graph(store.graph + "-copy")


async def test_an_import_records_who_added_each_node_once(store: GraphStore) -> None:
    from maestro_graph.service.reads import nodes_by_id

    before = int(time.time() * 1000)
    await import_lines(store, [json.dumps(r) for r in RECORDS], batch_size=10)
    [project] = await nodes_by_id(store, "Project", ["p:python3-magics++"])
    assert project["addedBy"] == "system" and project["addedAt"] >= before and "updatedBy" not in project
    await import_lines(store, [json.dumps(r) for r in RECORDS], batch_size=10)  # the same file again
    [again] = await nodes_by_id(store, "Project", ["p:python3-magics++"])
    assert again["addedAt"] == project["addedAt"]


async def test_audit_fields_come_back_as_audit_and_trained_impacts_are_not_exported(store: GraphStore, tmp_path: Path) -> None:
    """Before, an export carried an API-made node's audit fields and a trained artifact's impact,
    and the import buried both in `metadata`: a round trip changed the graph."""
    audited = {**RECORDS[0], "addedBy": "key:ab12cd34", "addedAt": 1_700_000_000_000,
               "updatedBy": "jwt:alice", "updatedAt": 1_700_000_500_000}
    await import_lines(store, [json.dumps(r) for r in [audited, *RECORDS[1:]]], batch_size=10)
    await store.write("set_artifact_impacts", {"rows": [
        {"id": "deb:numpy/1:1.26.4+ds-6", "score": -0.1, "low": -0.2, "high": -0.01, "n": 12}]})
    path = tmp_path / "out.jsonl"
    await export_file(store, path)
    exported = [json.loads(line) for line in path.read_text().splitlines()]
    assert not [r for r in exported if any(k.startswith("impact") for k in r)]
    other = store.for_graph(store.graph + "-audit")
    await other.bootstrap()
    try:
        await import_lines(other, path.read_text().splitlines(), batch_size=10)
        from maestro_graph.service.reads import nodes_by_id

        [project] = await nodes_by_id(other, "Project", ["p:python3-magics++"])
        assert {k: project[k] for k in ("addedBy", "addedAt", "updatedBy", "updatedAt")} == {
            "addedBy": "key:ab12cd34", "addedAt": 1_700_000_000_000, "updatedBy": "jwt:alice", "updatedAt": 1_700_000_500_000}
        assert json.loads(project["metadata"]) == {"homepage": "https://example.org"}
    finally:
        await other.drop_graph(other.graph)
