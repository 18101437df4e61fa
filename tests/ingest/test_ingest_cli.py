"""`maestro ingest ...` end to end: one line and exit 1 on a user error, a table on success."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ingest.gitrepo import build_team_repo
from tests.test_cli import run


def one_line_error(result, text: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert text in result.stderr


def test_bad_paths_are_one_line(tmp_path: Path) -> None:
    one_line_error(run(["ingest", "git", str(tmp_path / "nope"), "--project", "p:1"], tmp_path), "no such directory")
    (tmp_path / "plain").mkdir()
    one_line_error(run(["ingest", "git", str(tmp_path / "plain"), "--project", "p:1"], tmp_path), "not a git repository")
    one_line_error(run(["ingest", "ci", "jenkins", str(tmp_path / "x.json"), "--project", "p:1"], tmp_path), "no such file")
    one_line_error(run(["ingest", "mlflow", "--tracking-uri", f"sqlite:///{tmp_path}/none.db", "--project", "p:1"], tmp_path),
                   "no MLflow sqlite store")
    one_line_error(run(["ingest", "dvc", str(tmp_path / "plain"), "--project", "p:1"], tmp_path), "not a DVC project")


def test_git_then_ci_end_to_end_and_again(tmp_path: Path) -> None:
    repo = build_team_repo(tmp_path / "repo")
    (tmp_path / "p.jsonl").write_text(json.dumps({"kind": "project", "id": "p:1", "name": "team"}) + "\n")
    assert run(["import", str(tmp_path / "p.jsonl")], tmp_path).returncode == 0
    first = run(["ingest", "git", str(repo.path), "--project", "p:1"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "6 commits (1 merges), 2 authors, 3 weeks, 1 pull requests" in first.stdout
    again = run(["ingest", "git", str(repo.path), "--project", "p:1"], tmp_path)
    assert again.returncode == 0 and "metrics" in again.stdout
    rows = [line.split("│") for line in again.stdout.splitlines() if line.count("│") == 4]
    assert rows and all(cells[2].strip() == "0" for cells in rows)  # nothing created the second time
    runs = tmp_path / "runs.json"
    runs.write_text(json.dumps({"total_count": 1, "workflow_runs": [{
        "id": 5, "run_attempt": 1, "status": "completed", "conclusion": "success", "head_sha": "abc",
        "run_started_at": "2024-02-01T10:00:00Z", "updated_at": "2024-02-01T10:01:00Z"}]}))
    ci = run(["ingest", "ci", "github-actions", str(runs), "--project", "p:1"], tmp_path)
    assert ci.returncode == 0 and "2 new metric points" in ci.stderr, ci.stderr
    one_line_error(run(["ingest", "ci", "travis", str(runs), "--project", "p:1"], tmp_path), "unknown CI system")
    one_line_error(run(["ingest", "git", str(repo.path), "--project", "p:404"], tmp_path), "no project p:404")
