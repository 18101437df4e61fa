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


def test_embed_reports_the_vector_indexes_recall_on_this_graphs_vectors(tmp_path: Path) -> None:
    """Where the service searches the index (more vectors than MAESTRO_EMBEDDING_EXACT_MAX_NODES),
    `maestro embed` measures how much of the exact top-10 it finds, with the artifacts' vectors as
    queries (texts not in the index), and prints it; below that size it says nothing (exact search)."""
    import json

    lines = [json.dumps({"kind": "project", "id": f"p:{i}", "name": f"project {i}",
                         "description": f"{topic} model number {i}"})
             for i, topic in enumerate(["fraud scoring", "churn", "demand forecast", "ticket routing"] * 8)]
    lines += [json.dumps({"kind": "artifact", "id": f"a:{i}", "name": f"lib-{i}", "artifactType": "library",
                          "description": f"{topic} helpers"})
              for i, topic in enumerate(["fraud", "churn", "forecast", "tickets"] * 7)]
    data = tmp_path / "org.jsonl"
    data.write_text("\n".join(lines) + "\n")
    assert run(["import", "--no-embed", str(data)], tmp_path).returncode == 0
    indexed = run(["embed"], tmp_path, MAESTRO_EMBEDDING_EXACT_MAX_NODES="20")
    out = indexed.stderr.replace("\n", " ")
    assert indexed.returncode == 0, indexed.stderr
    # 32 projects are above 20: their index is checked (on 28 small vectors HNSW finds them all)
    assert "Project vector index: recall@10 1.000 against exact search (28 artifact vectors as queries, 32 vectors)" in out
    assert "Artifact vector index" in out  # 28 artifacts, also above 20
    exact = run(["embed"], tmp_path)  # default 2,000: exact search, nothing to measure
    assert "vector index: recall" not in exact.stderr
