"""`maestro embed` fills missing vectors once: a second run finds nothing to do."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import run


def test_embed_fills_missing_vectors_and_is_idempotent(tmp_path: Path) -> None:
    data = tmp_path / "org.jsonl"
    data.write_text('{"kind": "project", "id": "p:1", "name": "fraud radar", "description": "flags card fraud"}\n'
                    '{"kind": "artifact", "id": "a:1", "name": "txn-features", "artifactType": "feature_pipeline"}\n')
    assert run(["import", "--no-embed", str(data)], tmp_path).returncode == 0
    first = run(["embed"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "embedded 1 projects and 1 artifacts" in first.stderr.replace("\n", " ")
    second = run(["embed"], tmp_path)
    assert "embedded 0 projects and 0 artifacts" in second.stderr.replace("\n", " ")
