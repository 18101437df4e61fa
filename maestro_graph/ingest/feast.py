"""A Feast feature repository's `feature_store.yaml` as a feature-store artifact of the project.

Read with PyYAML, without Feast: the store becomes a `schema` artifact `feast:<project>:<name>`
(name = Feast's `project`), its provider, registry and online/offline store types kept in
metadata, USED by the project (context `feast`). Feature views live in Feast's registry, which
only Feast can read; they are not imported yet (Feast is not a dependency).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from maestro_graph import model as m
from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.jsonl import ImportPlan

CONTEXT = "feast"


def find_config(path: Path) -> Path | None:
    """`feature_store.yaml` in PATH or in Feast's usual `feature_repo/` below it."""
    for candidate in (path / "feature_store.yaml", path / "feature_repo" / "feature_store.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _store_type(section: Any) -> str | None:
    if isinstance(section, dict):
        return str(section.get("type")) if section.get("type") else None
    return str(section) if section else None


def add_feature_store(plan: ImportPlan, config: Path, project_id: str) -> str:
    """Add the feature store's artifact and usage rows; returns the artifact id."""
    import yaml

    try:
        doc = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{config} is not valid YAML ({str(exc).splitlines()[0]})", "path") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("project"), str):
        raise InvalidInput(f"{config} has no Feast project name", "path")
    name = doc["project"]
    registry = doc.get("registry")
    meta = {
        "provider": doc.get("provider"),
        "registry": registry.get("path") if isinstance(registry, dict) else registry,
        "onlineStore": _store_type(doc.get("online_store")),
        "offlineStore": _store_type(doc.get("offline_store")),
    }
    aid = m.derived_id("feast", project_id, name)
    tags = ["feast", "feature_store"]
    plan.add("import_artifacts", {"id": aid, "props": {
        "name": f"feast:{name}"[: m.MAX_NAME], "artifactType": "schema", "version": "1.0.0", "tags": tags,
        "tagsText": " ".join(tags), "storagePath": str(config.parent)[:1000],
        "metadata": m.metadata_json({k: v for k, v in meta.items() if v is not None})}})
    plan.add("import_usages", {"project": project_id, "artifact": aid, "context": CONTEXT, "props": {}})
    return aid
