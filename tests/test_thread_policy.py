"""OpenMP threads wait passively in any process that imports Maestro (see maestro_graph/__init__.py):
on a machine whose cores other processes hold, spinning threads made a one-text encode ~10x and a
small training loop ~40x slower (bench/thread_wait.py). A policy the user exported is kept."""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = "import os, maestro_graph, gnn; print(os.environ['OMP_WAIT_POLICY'])"


def policy(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run([sys.executable, "-c", CHECK], env={**clean, **env}, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_threads_wait_passively_unless_the_user_chose() -> None:
    assert policy() == "PASSIVE"
    assert policy(OMP_WAIT_POLICY="ACTIVE") == "ACTIVE"
