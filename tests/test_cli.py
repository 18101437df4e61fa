"""The `maestro` command answers mistakes in one line with exit code 1, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

MAESTRO = Path(sys.executable).with_name("maestro")


def run(args: list[str], tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {"MAESTRO_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "COLUMNS": "80", **extra_env}
    return subprocess.run([str(MAESTRO), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)  # a hang guard, not a speed check: CI machines are shared


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


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_version(tmp_path: Path) -> None:
    from maestro_graph import __version__

    result = run(["--version"], tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"maestro {__version__}"


def test_a_port_out_of_range_is_refused_before_the_banner(tmp_path: Path) -> None:
    result = run(["serve", "--port", "70000"], tmp_path)
    assert "port 70000 is out of range" in one_line_error(result)
    assert "Maestro on" not in result.stdout + result.stderr
    assert not (tmp_path / "data").exists()


def test_a_busy_port_is_refused_before_the_banner(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["serve", "--port", str(port)], tmp_path)
    assert f"port {port} on 127.0.0.1 is already in use" in one_line_error(result)
    assert "Maestro on" not in result.stdout + result.stderr


def test_unwritable_output_paths_and_missing_files_are_one_line(tmp_path: Path) -> None:
    assert "no directory" in one_line_error(run(["demo", "--output", "/nonexistent/x"], tmp_path))
    assert not (tmp_path / "data").exists()
    assert "no directory" in one_line_error(run(["export-schema", "--output", "/nonexistent/x"], tmp_path))
    assert "no file" in one_line_error(run(["import", str(tmp_path / "missing.jsonl")], tmp_path))


def test_a_bad_setting_names_the_variable_and_the_allowed_values(tmp_path: Path) -> None:
    env_run = subprocess.run(
        [str(MAESTRO), "export", str(tmp_path / "out.jsonl")], cwd=tmp_path, capture_output=True, text=True,
        env={"MAESTRO_DATA_DIR": str(tmp_path / "data"), "MAESTRO_FSYNC": "sometimes", "PATH": "/usr/bin:/bin"},
        timeout=120)
    message = one_line_error(env_run)
    assert "MAESTRO_FSYNC='sometimes'" in message and "'everysec', 'always' or 'no'" in message


def test_data_dir_option_chooses_the_store(tmp_path: Path) -> None:
    good = tmp_path / "one.jsonl"
    good.write_text('{"kind": "project", "id": "p:+1@x/y", "name": "y", "problemClass": "object_detection"}\n')
    out = run(["import", str(good), "--data-dir", str(tmp_path / "elsewhere")], tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "elsewhere").is_dir() and not (tmp_path / "data").exists()


def test_an_import_lists_every_problem_one_per_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "p:1"}\n{"kind": "project", "id": "p:2", "name": ""}\n')
    result = run(["import", str(bad)], tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: line 1: missing kind") and lines[1].strip() == "line 2: name must not be empty"


def test_demo_on_a_served_data_dir_says_so_before_generating(tmp_path: Path) -> None:
    from maestro_graph.serve_lock import ServeLock

    with ServeLock(tmp_path / "data"):  # as `maestro serve` holds it
        result = run(["demo", "--output", str(tmp_path / "demo.jsonl")], tmp_path)
    assert "already running" in one_line_error(result) and "--no-serve" in result.stderr
    assert not (tmp_path / "demo.jsonl").exists()


def test_demo_projects_sets_the_organisation_size(tmp_path: Path) -> None:
    """`maestro demo --projects N` generates and imports an organisation of N projects."""
    output = tmp_path / "demo.jsonl"
    result = run(["demo", "--no-serve", "--no-train", "--projects", "30", "--output", str(output)], tmp_path)
    assert result.returncode == 0, result.stderr
    kinds = Counter(json.loads(line)["kind"] for line in output.read_text(encoding="utf-8").splitlines())
    assert (kinds["project"], kinds["artifact"], kinds["person"]) == (30, 150, 80)  # the floors of demo_sizes
    assert "graph now holds" in result.stdout.replace("\n", " ")
    assert run(["demo", "--no-serve", "--projects", "0"], tmp_path).returncode == 2
