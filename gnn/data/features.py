"""Project content features: the only model inputs, and the one place that decides them.

Inputs are what is known when a prediction is asked for: text, problem class, complexity, team
size, numeric metadata most projects carry, early process metrics (first four weeks, see
`snapshot.METRIC_HORIZON_MS`) and which artifacts the project uses. Never an outcome field
(success, duration, cost, completion date, status) nor a usage score, and never a learned id:
a project the model has not seen gets features the same way (inductive).
tests/learn/test_features.py changes every outcome-derived value and checks nothing moves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from gnn.data.snapshot import ProjectRecord, Snapshot
from gnn.data.text import TextFeatures
from maestro_graph.demo.signal import PROBLEM_CLASSES

COMMON_SHARE = 0.5  # a metric or metadata key becomes a feature when half the projects carry it


@dataclass
class FeatureSpace:
    """Fitted on training projects only, then applied to any project (seen or new)."""

    classes: tuple[str, ...] = PROBLEM_CLASSES
    metric_types: list[str] = field(default_factory=list)
    metadata_keys: list[str] = field(default_factory=list)
    artifact_names: list[str] = field(default_factory=list)
    text: TextFeatures = field(default_factory=TextFeatures)
    # The training median of each metric and metadata key: what a project that does not carry it
    # (a planned project has no process metrics yet) gets in its column. Zero would read as an
    # extreme value (no churn at all), which training projects, who all carry them, never had;
    # a metric's missing flag still says it was not measured. Empty in models saved before: 0.
    metric_fill: dict[str, float] = field(default_factory=dict)
    metadata_fill: dict[str, float] = field(default_factory=dict)

    @classmethod
    def fit(cls, snapshot: Snapshot, train_ids: Sequence[str], text_dims: int = 32) -> FeatureSpace:
        train = [snapshot.project(i) for i in train_ids]
        n = max(1, len(train))
        metric_counts = Counter(t for p in train for t in snapshot.metrics.get(p.id, {}))
        meta_counts = Counter(k for p in train for k, v in p.metadata.items() if _is_number(v))
        names = {a.id: a.name for a in snapshot.artifacts}
        used = snapshot.used_by()
        name_counts = Counter(n_ for p in train for n_ in {names[a] for a in used.get(p.id, []) if a in names})
        metric_types = sorted(t for t, c in metric_counts.items() if c / n >= COMMON_SHARE)
        metadata_keys = sorted(k for k, c in meta_counts.items() if c / n >= COMMON_SHARE)
        measured = {t: [snapshot.metrics[p.id][t] for p in train if t in snapshot.metrics.get(p.id, {})] for t in metric_types}
        carried = {k: [float(p.metadata[k]) for p in train if _is_number(p.metadata.get(k))] for k in metadata_keys}
        space = cls(
            metric_types=metric_types,
            metadata_keys=metadata_keys,
            metric_fill={t: float(np.median(v)) for t, v in measured.items() if v},
            metadata_fill={k: float(np.median(v)) for k, v in carried.items() if v},
            artifact_names=sorted(a for a, c in name_counts.items() if c >= 3),
            text=TextFeatures(text_dims, snapshot.embeddings),
        )
        space.text.fit([p.id for p in train], [p.text for p in train])
        return space

    def names(self) -> list[str]:
        text_width = self.text._svd.n_components if self.text._svd is not None else len(
            next(iter(self.text.embeddings.values()), []))
        return (
            ["complexity", "team_size", "log_team_size"]
            + [f"class={c}" for c in self.classes]
            + [f"metric:{t}" for t in self.metric_types] + [f"metric:{t}:missing" for t in self.metric_types]
            + [f"meta:{k}" for k in self.metadata_keys]
            + [f"uses:{a}" for a in self.artifact_names]
            + [f"text{i}" for i in range(text_width)]
        )

    def unrecorded(self, project: ProjectRecord) -> frozenset[str]:
        """The inputs `project` has no value for, whose columns hold a stand-in (complexity 5.5, a
        metadata key's training median): an explanation must not read the stand-in as a fact.
        Process metrics are not listed: their own `:missing` columns say so."""
        out = {f"meta:{k}" for k in self.metadata_keys if not _is_number(project.metadata.get(k))}
        return frozenset(out | ({"complexity"} if project.complexity is None else set()))

    def transform(
        self, snapshot: Snapshot, projects: Sequence[ProjectRecord], *, with_usage: bool = True
    ) -> np.ndarray:
        """One row per project. `with_usage=False` hides the artifacts (recommendation: they are
        what is being predicted)."""
        names = {a.id: a.name for a in snapshot.artifacts}
        used = snapshot.used_by()
        metric_fill, metadata_fill = getattr(self, "metric_fill", {}), getattr(self, "metadata_fill", {})
        rows = []
        for p in projects:
            metrics = snapshot.metrics.get(p.id, {})
            used_names = {names.get(a) for a in used.get(p.id, [])} if with_usage else set()
            rows.append(
                [p.complexity if p.complexity is not None else 5.5, float(p.team_size), float(np.log1p(p.team_size))]
                + [float(p.problem_class == c) for c in self.classes]
                + [metrics.get(t, metric_fill.get(t, 0.0)) for t in self.metric_types]
                + [float(t not in metrics) for t in self.metric_types]
                + [float(p.metadata[k]) if _is_number(p.metadata.get(k)) else metadata_fill.get(k, 0.0)
                   for k in self.metadata_keys]
                + [float(a in used_names) for a in self.artifact_names]
            )
        text = self.text.transform([p.id for p in projects], [p.text for p in projects])
        return np.hstack([np.asarray(rows, dtype=np.float64).reshape(len(projects), -1), text])


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
