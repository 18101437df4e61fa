"""JSONL import: validation before any write, idempotency, references, export round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.export import export_file
from maestro_graph.ingest.jsonl import InvalidFile, import_file, import_lines
from maestro_graph.store.port import GraphStore
from tests.conftest import write_jsonl


def org(projects: int, artifacts: int, people: int) -> list[dict]:
    """A small synthetic organisation: every kind of record, every edge valid."""
    recs: list[dict] = []
    recs += [{"kind": "person", "id": f"u:{i}", "name": f"Person {i}", "role": "ml_engineer"} for i in range(people)]
    recs += [
        {"kind": "project", "id": f"p:{i}", "name": f"project-{i}", "problemClass": "classification",
         "complexityScore": 1 + i % 10, "status": "completed", "tags": ["t"], "team": "alpha",
         "outcome": {"success": i % 2 == 0, "successScore": 0.5, "durationDays": 30, "costUsd": 1000.0}}
        for i in range(projects)
    ]
    recs += [
        {"kind": "artifact", "id": f"a:{i}", "name": f"artifact-{i}", "artifactType": "feature_pipeline",
         "version": "1.0.0", "tags": ["x"], "createdBy": f"u:{i % people}"}
        for i in range(artifacts)
    ]
    recs += [{"kind": "membership", "person": f"u:{i % people}", "project": f"p:{i}", "role": "lead"} for i in range(projects)]
    recs += [{"kind": "usage", "project": f"p:{i}", "artifact": f"a:{i % artifacts}", "context": "training", "score": 0.7}
             for i in range(projects)]
    recs += [{"kind": "lineage", "from": f"a:{i}", "to": f"a:{i - 1}", "type": "DERIVED_FROM"} for i in range(1, artifacts)]
    recs += [{"kind": "metric", "project": f"p:{i}", "type": "commits_per_week", "value": 3.0, "at": 1_700_000_000_000}
             for i in range(projects)]
    return recs


async def counts(store: GraphStore) -> tuple[int, int]:
    row = (await store.read("graph_counts"))[0]
    return row["nodes"], row["edges"]


async def test_importing_the_same_10k_record_file_twice_changes_nothing(backend_store: GraphStore, tmp_path: Path) -> None:
    recs = org(projects=2000, artifacts=800, people=401)
    assert len(recs) >= 10_000
    path = write_jsonl(tmp_path / "org.jsonl", recs)
    first = await import_file(backend_store, path, batch_size=1000)
    after_first = await counts(backend_store)
    second = await import_file(backend_store, path, batch_size=1000)
    assert await counts(backend_store) == after_first
    assert sum(first.created.values()) == first.records and sum(second.created.values()) == 0
    # persons + projects + artifacts + metrics; memberships, usages, lineage, CREATED, HAS_METRIC
    assert after_first == (401 + 2000 + 800 + 2000, 2000 + 2000 + 799 + 800 + 2000)


async def test_one_bad_line_among_a_thousand_rejects_the_file_and_writes_nothing(backend_store: GraphStore, tmp_path: Path) -> None:
    await import_lines(backend_store, [json.dumps(r) for r in org(10, 5, 3)], batch_size=100)
    before = await counts(backend_store)
    lines = [json.dumps(r) for r in org(400, 200, 100)][:1000]
    lines[636] = json.dumps({"kind": "project", "id": "p:x", "name": "n", "complexityScore": "seven"})
    with pytest.raises(InvalidFile) as err:
        await import_file(backend_store, _write(tmp_path / "bad.jsonl", lines), batch_size=100)
    assert err.value.problems[0][0] == 637
    assert "complexityScore" in err.value.message and "line 637" in err.value.message
    assert await counts(backend_store) == before


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "not valid JSON"),
        ('{"kind": "projekt", "id": "p:1", "name": "x"}', "unknown kind 'projekt'"),
        ('{"kind": "project", "name": "x"}', "id must be"),
        ('{"id": "p:1", "name": "x"}', "missing kind"),
        ('{"kind": "project", "id": "p:1", "name": "x", "problemClass": 7}', "problemClass must be a string"),
        ('{"kind": "project", "id": "p:1", "name": "x", "complexityScore": 99999999999999999999}', "64-bit"),
        ('{"kind": "project", "id": "p:1", "name": "x", "outcome": {"costUsd": 1e30}}', "outcome.costUsd"),
        ('{"kind": "project", "id": "p:1", "name": "x", "outcome": {"successScore": 3}}', "outcome.successScore"),
        ('{"kind": "metric", "project": "p:1", "type": "commits", "value": "many", "at": 1}', "value must be a number"),
        ('{"kind": "lineage", "from": "a:1", "to": "a:2", "type": "LIKES"}', "type must be one of"),
        ('[1, 2]', "JSON object"),
        ('{"kind": "metric", "project": "p:1", "type": "t", "value": 1e999, "at": 1}', "finite number"),
        ('{"kind": "project", "id": "p:1", "name": "x", "outcome": {"costUsd": Infinity}}', "Infinity is not a number"),
        ('{"kind": "artifact", "id": "a:1", "name": "x", "artifactType": "schema", "description": "a\\u0000b"}', "NUL"),
        ('{"kind": "project", "id": "p:1", "name": "x", "tags": ["  "]}', "tags must be"),
        ('{"kind": "project", "id": "p:1", "name": "lone \\ud800 half"}', "surrogate"),
        ('{"kind": "project", "id": "p:1", "name": "x", "startedAt": "1900-01-01"}', "startedAt must be between"),
    ],
)
async def test_each_kind_of_bad_line_is_named(store: GraphStore, line: str, expected: str) -> None:
    good = '{"kind": "person", "id": "u:1", "name": "Ada"}'
    with pytest.raises(InvalidFile) as err:
        await import_lines(store, [good, line], batch_size=10)
    assert err.value.message.startswith("line 2:")
    assert expected in err.value.message
    assert await counts(store) == (0, 0)


async def test_edges_may_point_into_the_graph_but_not_into_nothing(store: GraphStore) -> None:
    await import_lines(store, ['{"kind": "project", "id": "p:1", "name": "existing"}'], batch_size=10)
    artifact = '{"kind": "artifact", "id": "a:1", "name": "pipe", "artifactType": "schema"}'
    ok = '{"kind": "usage", "project": "p:1", "artifact": "a:1", "context": "training"}'
    await import_lines(store, [artifact, ok], batch_size=10)
    assert await counts(store) == (2, 1)
    with pytest.raises(InvalidInput) as err:
        await import_lines(store, ['{"kind": "usage", "project": "p:404", "artifact": "a:1"}'], batch_size=10)
    assert err.value.message.startswith("line 1: Project p:404 is neither in the file nor in the graph")
    assert await counts(store) == (2, 1)


async def test_unknown_keys_are_kept_as_metadata_and_export_round_trips(store: GraphStore, tmp_path: Path) -> None:
    recs = org(30, 10, 5)
    await import_lines(store, [json.dumps(r) for r in recs], batch_size=7)
    out = tmp_path / "export.jsonl"
    written = await export_file(store, out)
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert written == len(exported)
    project = next(r for r in exported if r.get("id") == "p:3")
    assert project["metadata"] == {"team": "alpha"}  # unknown key kept, nested so it cannot collide
    assert project["outcome"]["success"] is False and project["outcome"]["costUsd"] == 1000.0

    copy = store.for_graph(store.graph + "_copy")
    await copy.bootstrap()
    try:
        await import_file(copy, out, batch_size=50)
        assert await counts(copy) == await counts(store)
    finally:
        await copy.drop_graph(copy.graph)


async def test_whole_floats_and_long_project_ids_are_accepted(store: GraphStore) -> None:
    """Whole floats for integer fields, and a metric of a project whose id is long."""
    long_id = "p:" + "x" * 120
    lines = [
        json.dumps({"kind": "project", "id": long_id, "name": "long", "complexityScore": 7.0}),
        json.dumps({"kind": "metric", "project": long_id, "type": "commits_per_week", "value": 2, "at": 1732406400000.0}),
    ]
    report = await import_lines(store, lines, batch_size=10)
    assert sum(report.created.values()) == 2
    assert await counts(store) == (2, 1)


async def test_metadata_keys_that_look_like_fields_survive_an_export_round_trip(store: GraphStore, tmp_path: Path) -> None:
    line = {"kind": "project", "id": "p:1", "name": "n", "complexityScore": 3,
            "metadata": {"kind": "legacy", "complexityScore": "high", "id": "old-7"}}
    await import_lines(store, [json.dumps(line)], batch_size=10)
    out = tmp_path / "e.jsonl"
    await export_file(store, out)
    assert not list(tmp_path.glob(".*.partial"))
    [rec] = [json.loads(x) for x in out.read_text().splitlines()]
    assert rec["kind"] == "project" and rec["complexityScore"] == 3
    assert rec["metadata"] == {"kind": "legacy", "complexityScore": "high", "id": "old-7"}
    copy = store.for_graph(store.graph + "_rt")
    await copy.bootstrap()
    try:
        await import_file(copy, out, batch_size=10)
        out2 = tmp_path / "e2.jsonl"
        await export_file(copy, out2)
        assert out2.read_text() == out.read_text()
    finally:
        await copy.drop_graph(copy.graph)


async def test_unknown_keys_on_edges_are_kept_and_exported(store: GraphStore, tmp_path: Path) -> None:
    lines = [
        {"kind": "project", "id": "p:1", "name": "p"},
        {"kind": "person", "id": "u:1", "name": "Ada"},
        {"kind": "artifact", "id": "a:1", "name": "x", "artifactType": "schema"},
        {"kind": "artifact", "id": "a:2", "name": "y", "artifactType": "schema"},
        {"kind": "membership", "person": "u:1", "project": "p:1", "role": "lead", "allocation": 0.5},
        {"kind": "usage", "project": "p:1", "artifact": "a:1", "context": "training", "notes": "reused as-is"},
        {"kind": "lineage", "from": "a:2", "to": "a:1", "type": "DERIVED_FROM", "reason": "fork"},
    ]
    await import_lines(store, [json.dumps(r) for r in lines], batch_size=10)
    out = tmp_path / "edges.jsonl"
    await export_file(store, out)
    exported = {r["kind"]: r for r in map(json.loads, out.read_text().splitlines()) if "metadata" in r}
    assert exported["membership"]["metadata"] == {"allocation": 0.5}
    assert exported["usage"]["metadata"] == {"notes": "reused as-is"}
    assert exported["lineage"]["metadata"] == {"reason": "fork"}


async def test_export_pages_through_more_than_one_page_of_each_kind(store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from maestro_graph.ingest import export

    monkeypatch.setattr(export, "PAGE", 7)  # many small pages: every page boundary is exercised
    recs = org(30, 10, 5)
    await import_lines(store, [json.dumps(r) for r in recs], batch_size=50)
    out = tmp_path / "paged.jsonl"
    await export_file(store, out)
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    kinds = [r["kind"] for r in exported]
    assert len(exported) == len(set(map(json.dumps, exported))), "a record was exported twice"
    assert {k: kinds.count(k) for k in set(kinds)} == {k: [r["kind"] for r in recs].count(k) for k in set(kinds)}
