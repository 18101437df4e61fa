"""`maestro train` and `maestro evaluate` from the shell, on a tiny organisation."""

from __future__ import annotations

import json
from pathlib import Path

from maestro_graph.demo.generate import generate, write_jsonl
from tests.test_cli import run


def test_evaluate_before_training_is_one_line(tmp_path: Path) -> None:
    result = run(["evaluate"], tmp_path)
    assert result.returncode == 1 and "maestro train" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_train_then_evaluate_json(tmp_path: Path) -> None:
    org = tmp_path / "org.jsonl"
    write_jsonl(generate(5, projects=60, artifacts=20, people=15), org)
    assert run(["import", "--no-embed", str(org)], tmp_path).returncode == 0  # text features fall back to TF-IDF
    trained = run(["train"], tmp_path)
    assert trained.returncode == 0, trained.stderr
    models = list((tmp_path / "data" / "models").iterdir())
    assert len(models) == 1 and models[0].name in trained.stdout
    evaluated = run(["evaluate", "--json"], tmp_path)
    info = json.loads(evaluated.stdout)
    assert info["version"] == models[0].name
    assert info["evaluation"]["tasks"]["recommendation"]["chosen"]
