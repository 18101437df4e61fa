"""What a real-world file keeps (outcome extras, the finer problem name, odd versions) survives export."""

from __future__ import annotations

import json
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
