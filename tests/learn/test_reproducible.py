"""Training answers the same numbers in every process: nothing may follow Python's per-process
string hashing (the order a `set` of tags or artifact ids iterates in), or float sums change in
their last bits and a re-ranker fitted on them can choose differently."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = """
import hashlib
import numpy as np
from gnn.data.snapshot import ProjectRecord
from gnn.models.neighbours import NeighbourEncoder
from gnn.models.recommend import Catalogue

rng = np.random.default_rng(0)
tags = [f"tag-{i}" for i in range(40)]
rows = [list(rng.choice(tags, size=12, replace=False)) for _ in range(60)]
usage = (rng.random((60, 30)) < 0.3).astype(float)
cat = Catalogue([f"a{j}" for j in range(30)], usage, ["nlp"] * 60, rows, rng.random((60, 8)), [True] * 60,
                families=[f"a{j}" for j in range(30)], version_rank=[0] * 30, recency=list(np.linspace(0, 1, 60)))
signals = cat.signals("nlp", tags, rng.random(8))
projects = [ProjectRecord(id=f"p{i}", name="", description="", tags=[], problem_class="nlp", complexity=5.0,
                          status="completed", started_at=i, team_size=4, metadata={}, success=bool(i % 3))
            for i in range(60)]
used = {f"p{i}": [f"a{j}" for j in np.flatnonzero(usage[i])] for i in range(60)}
inputs = NeighbourEncoder.fit(projects[:40], used).transform(projects[40:], used)
print(hashlib.sha256(signals.tobytes() + inputs.tobytes()).hexdigest())
"""


def _digest(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run([sys.executable, "-c", CODE], env=env, check=True, capture_output=True, text=True,
                          timeout=120).stdout.strip()


def test_signals_and_graph_inputs_do_not_depend_on_string_hashing() -> None:
    assert len({_digest(seed) for seed in ("1", "2", "3", "4")}) == 1
