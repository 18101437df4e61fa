"""The demo artifact library: named artifacts, their versions over time, and their lineage.

Every version is its own node. Each node carries a creation time that is not exported (the JSONL
artifact record has no such field) but lets the generator keep usage plausible: a project only
uses versions that existed when it started. Lineage always points from a newer node to an older
one, so NEW_VERSION_OF and DERIVED_FROM together can never form a cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any

from maestro_graph.demo.signal import CURSED_SCHEMA, PLANTED_VERSIONS
from maestro_graph.demo.vocab import (
    ARTIFACT_BLURB,
    ARTIFACT_CATALOGUE,
    DEPRECATED_NOTE,
    PLANTED_BLURB,
)

DAY_MS = 86_400_000
MAX_VERSIONS = 3
DERIVED_SHARE = 0.35
# Which artifact types a new artifact is plausibly derived from.
DERIVED_FROM_TYPES: dict[str, tuple[str, ...]] = {
    "feature_pipeline": ("feature_pipeline", "schema", "dataset"),
    "model_template": ("model_template", "library"),
    "schema": ("schema",),
    "notebook": ("notebook", "dataset"),
    "dataset": ("dataset", "feature_pipeline"),
    "library": ("library",),
    "other": ("other", "library"),
}


@dataclass
class ArtifactNode:
    """One artifact version; `classes` are the problem classes that typically use it."""

    id: str
    name: str
    artifact_type: str
    version: str
    description: str
    tags: list[str]
    created_by: str
    created_ms: int
    classes: tuple[str, ...] = field(default=())

    def record(self) -> dict[str, Any]:
        return {
            "kind": "artifact",
            "id": self.id,
            "name": self.name,
            "artifactType": self.artifact_type,
            "version": self.version,
            "description": self.description,
            "tags": self.tags,
            "storagePath": (
                f"s3://maestro-artifacts/{self.artifact_type}/{self.name}/{self.version}/"
            ),
            "createdBy": self.created_by,
        }


@dataclass
class ArtifactLibrary:
    """All artifact nodes (in id order), grouped by name (versions oldest first), plus lineage."""

    nodes: list[ArtifactNode]
    by_name: dict[str, list[ArtifactNode]]
    lineage: list[dict[str, Any]]


def _next_version(version: str, rng: Random) -> str:
    major, minor, patch = (int(part) for part in version.split("."))
    roll = rng.random()
    if roll < 0.15:
        return f"{major + 1}.0.0"
    if roll < 0.40:
        return f"{major}.{minor}.{patch + 1}"
    return f"{major}.{minor + 1}.0"


def _pick_names(rng: Random, n_names: int) -> list[tuple[str, str, tuple[str, ...]]]:
    """Planted names, then one name of every type, then a random sample of the rest."""
    planted = [row for row in ARTIFACT_CATALOGUE if row[0] in PLANTED_VERSIONS]
    rest = [row for row in ARTIFACT_CATALOGUE if row[0] not in PLANTED_VERSIONS]
    rng.shuffle(rest)
    chosen = list(planted)
    for row in rest:
        if row[1] not in {c[1] for c in chosen}:
            chosen.append(row)
    chosen += [row for row in rest if row not in chosen][: max(0, n_names - len(chosen))]
    return chosen


def _version_counts(rng: Random, names: Sequence[str], total: int) -> dict[str, int]:
    counts = {n: len(PLANTED_VERSIONS[n]) if n in PLANTED_VERSIONS else 1 for n in names}
    free = [n for n in names if n not in PLANTED_VERSIONS]
    cap = MAX_VERSIONS
    while sum(counts.values()) < total:
        open_names = [n for n in free if counts[n] < cap]
        if not open_names:
            cap += 1
            continue
        counts[rng.choice(open_names)] += 1
    return counts


def _blurb(name: str, artifact_type: str, version: str, first: bool) -> str:
    if name in PLANTED_BLURB:
        text = PLANTED_BLURB[name]
    else:
        topic = name.removeprefix(artifact_type.replace("_", "-") + "-")
        for prefix in ("lib-", "dataset-", "notebook-", "schema-"):
            topic = topic.removeprefix(prefix)
        topic = topic.replace("-", " ")
        text = ARTIFACT_BLURB[artifact_type].format(topic=topic, Topic=topic.capitalize())
    if name == CURSED_SCHEMA.name and version == CURSED_SCHEMA.version:
        return text + DEPRECATED_NOTE
    return text if first else f"{text} Release {version}: fixes and performance improvements."


def build_library(
    rng: Random, total: int, creators: Sequence[str], window_start_ms: int, now_ms: int
) -> ArtifactLibrary:
    """About total/1.5 names, versions spread over time until there are `total` nodes."""
    span = now_ms - window_start_ms
    rows = _pick_names(rng, min(len(ARTIFACT_CATALOGUE), max(1, round(total / 1.5))))
    counts = _version_counts(rng, [r[0] for r in rows], total)
    drafts: list[list[tuple[str, int]]] = []  # per name: (version, created_ms), oldest first
    for name, _, _ in rows:
        if name in PLANTED_VERSIONS:
            planted = PLANTED_VERSIONS[name]
            drafts.append([(v, window_start_ms + round(f * span)) for v, f in planted])
            continue
        version = "1.0.0"
        at = rng.randint(window_start_ms - 400 * DAY_MS, now_ms - 45 * DAY_MS)
        versions = [(version, at)]
        for _ in range(counts[name] - 1):
            version = _next_version(version, rng)
            at = min(at + rng.randint(45, 240) * DAY_MS, (at + now_ms) // 2)
            versions.append((version, at))
        drafts.append(versions)

    cursed = (CURSED_SCHEMA.name, CURSED_SCHEMA.version)
    order = sorted(range(len(rows)), key=lambda i: (drafts[i][0][1], rows[i][0]))
    width = max(3, len(str(total)))
    nodes: list[ArtifactNode] = []
    by_name: dict[str, list[ArtifactNode]] = {}
    lineage: list[dict[str, Any]] = []
    for i in order:
        name, artifact_type, classes = rows[i]
        author = rng.choice(creators)
        tags = [artifact_type.replace("_", "-"), *classes[:2]] + (["core"] if not classes else [])
        for k, (version, at) in enumerate(drafts[i]):
            node = ArtifactNode(
                id=f"a:{len(nodes) + 1:0{width}d}", name=name, artifact_type=artifact_type,
                version=version, description=_blurb(name, artifact_type, version, k == 0),
                tags=tags + (["deprecated"] if (name, version) == cursed else []),
                created_by=author if rng.random() < 0.7 else rng.choice(creators),
                created_ms=at, classes=classes,
            )
            if k:
                lineage.append({"kind": "lineage", "from": node.id, "to": nodes[-1].id,
                                "type": "NEW_VERSION_OF"})
            nodes.append(node)
            by_name.setdefault(name, []).append(node)

    lineage += _derived_edges(rng, nodes, by_name)
    return ArtifactLibrary(nodes=nodes, by_name=by_name, lineage=lineage)


def _derived_edges(
    rng: Random, nodes: list[ArtifactNode], by_name: dict[str, list[ArtifactNode]]
) -> list[dict[str, Any]]:
    """A share of first versions derive from an older node of a related type."""
    edges = []
    for versions in by_name.values():
        first = versions[0]
        parents = [
            n for n in nodes
            if n.created_ms < first.created_ms and n.name != first.name
            and n.artifact_type in DERIVED_FROM_TYPES[first.artifact_type]
        ]
        if parents and rng.random() < DERIVED_SHARE:
            parent = rng.choice(parents)
            edges.append({"kind": "lineage", "from": first.id, "to": parent.id,
                          "type": "DERIVED_FROM"})
    return edges
