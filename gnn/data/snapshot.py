"""One consistent read of what the meta-model learns from, through the store port.

Training reads the whole organisation once (a few named `learn_*` statements) into plain
Python records; everything after that (features, splits, models) is pure and testable without
a store. Outcome fields travel on `ProjectRecord` only so labels can be built: `features.py`
is the one place that decides what a model may see.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from maestro_graph.store.port import GraphStore

# Process metrics count only when recorded in a project's first four weeks: that is what is
# known when a prediction is asked early on, and it cannot encode how long the project ran.
METRIC_HORIZON_MS = 28 * 24 * 3600 * 1000


@dataclass
class ProjectRecord:
    id: str
    name: str
    description: str
    tags: list[str]
    problem_class: str
    complexity: float | None
    status: str | None
    started_at: int | None
    team_size: int
    metadata: dict[str, Any]
    # Outcome (labels only, never inputs).
    success: bool | None = None
    duration_days: float | None = None
    cost_usd: float | None = None
    completed_at: int | None = None

    @property
    def text(self) -> str:
        return " ".join([self.name.replace("-", " "), self.description, *self.tags])


@dataclass
class ArtifactRecord:
    id: str
    name: str
    version: str | None
    artifact_type: str | None
    description: str
    tags: list[str]
    version_key: str | None = None  # sorts like the version order of its name (store's versionKey)

    @property
    def text(self) -> str:
        return " ".join([self.name.replace("-", " "), self.description, *self.tags])


@dataclass
class Snapshot:
    """The organisation as the meta-model sees it; ids keep store order (sorted)."""

    projects: list[ProjectRecord]
    artifacts: list[ArtifactRecord]
    usages: list[tuple[str, str]]  # (project id, artifact id)
    usage_scores: dict[tuple[str, str], float]  # outcome-derived: impact estimates only
    memberships: list[tuple[str, str]]  # (person id, project id)
    metrics: dict[str, dict[str, float]]  # project id -> metric type -> early mean
    embeddings: dict[str, list[float]] = field(default_factory=dict)  # project id -> vector

    def project(self, pid: str) -> ProjectRecord:
        return self._projects_by_id()[pid]

    def _projects_by_id(self) -> dict[str, ProjectRecord]:
        if not hasattr(self, "_by_id"):
            self._by_id = {p.id: p for p in self.projects}
        return self._by_id

    def used_by(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {p.id: [] for p in self.projects}
        for pid, aid in self.usages:
            out.setdefault(pid, []).append(aid)
        return out

    def fingerprint(self) -> str:
        """A digest of everything training reads, so a model names the data it was fitted on."""
        h = hashlib.sha256()
        for p in self.projects:
            h.update(json.dumps([p.id, p.problem_class, p.complexity, p.team_size, p.success,
                                 p.duration_days, p.cost_usd, p.status]).encode())
        h.update(json.dumps(sorted(self.usages)).encode())
        h.update(json.dumps(sorted(self.memberships)).encode())
        return h.hexdigest()[:16]


def _metadata(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str) and raw:
        try:
            value = json.loads(raw)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}
    return {}


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


async def read_snapshot(store: GraphStore) -> Snapshot:
    """Read the organisation through named statements (parameters only)."""
    projects = [
        ProjectRecord(
            id=r["id"], name=r.get("name") or "", description=r.get("description") or "",
            tags=list(r.get("tags") or []), problem_class=r.get("problemClass") or "other",
            complexity=_num(r.get("complexityScore")), status=r.get("status"),
            started_at=r.get("startedAt"), team_size=int(r.get("teamSize") or 0),
            metadata=_metadata(r.get("metadata")),
            success=r.get("success") if isinstance(r.get("success"), bool) else None,
            duration_days=_num(r.get("durationDays")), cost_usd=_num(r.get("costUsd")),
            completed_at=r.get("completedAt"),
        )
        for r in await store.read("learn_projects")
    ]
    artifacts = [
        ArtifactRecord(
            id=r["id"], name=r.get("name") or "", version=r.get("version"),
            artifact_type=r.get("artifactType"), description=r.get("description") or "",
            tags=list(r.get("tags") or []), version_key=r.get("versionKey"),
        )
        for r in await store.read("learn_artifacts")
    ]
    usage_rows = await store.read("learn_usages")
    usages = sorted({(r["project"], r["artifact"]) for r in usage_rows})
    scores = {(r["project"], r["artifact"]): float(r["score"]) for r in usage_rows if _num(r.get("score")) is not None}
    memberships = [(r["person"], r["project"]) for r in await store.read("learn_memberships")]
    metrics: dict[str, dict[str, float]] = {}
    for r in await store.read("learn_metrics", {"horizonMs": METRIC_HORIZON_MS}):
        if _num(r.get("mean")) is not None:
            metrics.setdefault(r["project"], {})[r["type"]] = float(r["mean"])
    embeddings = {r["id"]: list(r["embedding"]) for r in await store.read("learn_project_embeddings")
                  if r.get("embedding")}
    return Snapshot(projects, artifacts, usages, scores, memberships, metrics, embeddings)
