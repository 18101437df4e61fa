"""The `maestro` command answers mistakes in one line with exit code 1, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MAESTRO = Path(sys.executable).with_name("maestro")


def run(args: list[str], tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {"MAESTRO_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "COLUMNS": "80", **extra_env}
    return subprocess.run([str(MAESTRO), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_export_into_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    result = run(["export", str(tmp_path / "no" / "such" / "out.jsonl")], tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "no directory" in result.stderr
    assert not (tmp_path / "data").exists()  # refused before starting the store


def test_an_unstorable_number_is_rejected_before_anything_is_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"kind": "person", "id": "u:1", "name": "Ada"}\n'
                   '{"kind": "project", "id": "p:1", "name": "x", "outcome": {"costUsd": 1e999}}\n')
    result = run(["import", str(bad)], tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "line 2" in result.stderr and "finite" in result.stderr
    good = tmp_path / "good.jsonl"
    good.write_text('{"kind": "project", "id": "p:2", "name": "y"}\n')
    out = run(["import", str(good)], tmp_path)
    assert out.returncode == 0 and "graph now holds 1 nodes" in out.stdout.replace("\n", " ")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run(["import"], tmp_path).returncode == 2
    assert run(["no-such-command"], tmp_path).returncode == 2
