"""Split by project, in time order: whole projects are held out, never single edges.

Projects are sorted by start date (id breaks ties; projects without a date go first, as the
oldest knowledge) and cut into train / validation / test: the model is always asked about
projects that started after everything it learned from, as it will be in use. Held-out
projects contribute nothing to training: not their labels, not their usage edges (see
`hetero.py`, where they only receive messages), not their text (the text model is fitted on
training projects).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gnn.data.snapshot import ProjectRecord


@dataclass(frozen=True)
class Split:
    train: list[str]
    valid: list[str]
    test: list[str]

    def held_out(self) -> set[str]:
        return set(self.valid) | set(self.test)


def time_split(projects: Sequence[ProjectRecord], valid: float = 0.2, test: float = 0.2) -> Split:
    ordered = sorted(projects, key=lambda p: (p.started_at if p.started_at is not None else -1, p.id))
    n = len(ordered)
    n_test = int(round(n * test))
    n_valid = int(round(n * valid))
    n_train = max(0, n - n_test - n_valid)
    ids = [p.id for p in ordered]
    return Split(ids[:n_train], ids[n_train:n_train + n_valid], ids[n_train + n_valid:])
