"""schema.graphql is the published contract: it must match what the code serves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from maestro_graph.api.schema import sdl

ROOT = Path(__file__).resolve().parents[2]


def test_schema_file_is_in_sync_with_the_code() -> None:
    assert (ROOT / "schema.graphql").read_text() == sdl(), "run `maestro export-schema --output schema.graphql`"


def test_export_schema_command_prints_the_same_sdl(tmp_path: Path) -> None:
    out = tmp_path / "s.graphql"
    subprocess.run([sys.executable, "-m", "maestro_graph.cli", "export-schema", "--output", str(out)], check=True, timeout=60)
    assert out.read_text() == sdl()
    for name in ("project(", "projects(", "artifact(", "artifacts(", "person(", "searchArtifacts(",
                 "createProject(", "updateProject(", "recordOutcome(", "registerArtifact(", "addTeamMember(",
                 "logArtifactUsage(", "recordMetric(", "deleteProject("):
        assert name in out.read_text(), name
