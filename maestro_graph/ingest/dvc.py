"""A DVC pipeline (dvc.yaml + dvc.lock, read with PyYAML) as artifacts and lineage.

- Each stage of dvc.yaml becomes a `feature_pipeline` artifact (`dvc:<project>:<stage>`), its
  version the first 12 hex digits of the md5 of its command, so the id stays while the version
  says which command ran.
- Each hashed output in dvc.lock (and each `.dvc` file's output) becomes a `dataset` artifact
  version: one node per (path, md5), with the md5 as version; re-running an unchanged pipeline
  adds nothing, a changed output adds a new version node.
- A dataset version that is new to the graph is linked NEW_VERSION_OF the project's current
  version of the same path (`link_versions`, just before writing), so a retrained model's
  output follows the previous one; re-reading an old lock links nothing.
- Lineage: an output DERIVED_FROM the stage that produced it; a stage DERIVED_FROM each
  dependency that is a hashed dataset (another stage's output or a `.dvc`-tracked file). Code
  dependencies are not artifacts. The project USED every stage and dataset (context `dvc`).
- A Feast `feature_store.yaml` in PATH (or PATH/feature_repo) is read too (see ingest/feast.py).
- `foreach`/`matrix` stages are expanded by DVC into `name@key` entries of dvc.lock; without a
  lock they are read as one stage.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maestro_graph import model as m
from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.feast import add_feature_store, find_config
from maestro_graph.ingest.jsonl import ImportPlan
from maestro_graph.service.writes import now_ms
from maestro_graph.store.port import GraphStore

CONTEXT = "dvc"


@dataclass
class DvcSummary:
    plan: ImportPlan
    stages: int = 0
    datasets: int = 0
    edges: int = 0
    feature_store: str | None = None


def _yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} is not valid YAML ({str(exc).splitlines()[0]})", "path") from None


def check_project_dir(path: Path) -> None:
    if not path.exists():
        raise InvalidInput(f"no such directory: {path}", "path")
    if not path.is_dir():
        raise InvalidInput(f"{path} is not a directory", "path")
    if not (path / "dvc.yaml").is_file() and not any(path.glob("*.dvc")) and find_config(path) is None:
        raise InvalidInput(f"{path} has no dvc.yaml, .dvc files or feature_store.yaml: not a DVC project", "path")


def _paths(entries: Any) -> list[str]:
    """deps/outs of dvc.yaml: strings or one-key mappings (`- data/x: {cache: false}`)."""
    out: list[str] = []
    for entry in entries or []:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict):
            out.extend(str(k) for k in entry)
    return out


def _hashed(entries: Any) -> dict[str, str]:
    """path -> md5 of dvc.lock / .dvc entries (`- path: x, md5: ...`)."""
    found: dict[str, str] = {}
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("path") and (entry.get("md5") or entry.get("etag")):
            found[str(entry["path"])] = str(entry.get("md5") or entry.get("etag"))
    return found


def build_plan(path: Path, project_id: str) -> DvcSummary:
    check_project_dir(path)
    spec = _yaml(path / "dvc.yaml") if (path / "dvc.yaml").is_file() else {}
    lock = _yaml(path / "dvc.lock") if (path / "dvc.lock").is_file() else {}
    stages = spec.get("stages") or {}
    locked = lock.get("stages") or {}
    if not isinstance(stages, dict) or not isinstance(locked, dict):
        raise InvalidInput("stages must be a mapping in dvc.yaml and dvc.lock", "path")
    summary = DvcSummary(ImportPlan())
    plan = summary.plan
    datasets: dict[str, str] = {}  # path -> dataset artifact id (current md5)

    def dataset(p: str, md5: str) -> str:
        aid = m.derived_id("dvc", project_id, p, md5)
        if aid not in plan.ids("import_artifacts"):
            tags = ["dvc", "dataset"]
            plan.add("import_artifacts", {"id": aid, "props": {
                "name": p[: m.MAX_NAME], "artifactType": "dataset", "version": md5[:64], "tags": tags,
                "tagsText": " ".join(tags), "storagePath": p[:1000]}})
            plan.add("import_usages", {"project": project_id, "artifact": aid, "context": CONTEXT, "props": {}})
            summary.datasets += 1
        datasets[p] = aid
        return aid

    for dvcfile in sorted(path.rglob("*.dvc")):
        if ".dvc" in dvcfile.relative_to(path).parts[:-1]:
            continue  # DVC's own cache and config directory
        rel_dir = dvcfile.parent.relative_to(path)
        for out, md5 in _hashed(_yaml(dvcfile).get("outs")).items():
            dataset(str(rel_dir / out) if str(rel_dir) != "." else out, md5)

    names = sorted(set(stages) | set(locked))
    for name in names:
        entry = locked.get(name) or {}
        outs = _hashed(entry.get("outs"))
        for out, md5 in outs.items():
            dataset(out, md5)
    for name in names:
        definition = stages.get(name) or stages.get(name.split("@")[0]) or {}
        entry = locked.get(name) or {}
        cmd = entry.get("cmd") or definition.get("cmd") or ""
        cmd_text = " && ".join(map(str, cmd)) if isinstance(cmd, list) else str(cmd)
        sid = m.derived_id("dvc", project_id, "stage", name)
        tags = ["dvc", "pipeline"]
        plan.add("import_artifacts", {"id": sid, "props": {
            "name": f"{path.resolve().name}:{name}"[: m.MAX_NAME], "artifactType": "feature_pipeline",
            "version": hashlib.md5(cmd_text.encode()).hexdigest()[:12], "description": cmd_text[: m.MAX_TEXT] or None,
            "tags": tags, "tagsText": " ".join(tags), "metadata": m.metadata_json({"dvcStage": name})}})
        plan.add("import_usages", {"project": project_id, "artifact": sid, "context": CONTEXT, "props": {}})
        summary.stages += 1
        for out in _hashed(entry.get("outs")):
            plan.add("import_derived_from", {"from": datasets[out], "to": sid, "props": {}})
            summary.edges += 1
        deps = set(_hashed(entry.get("deps"))) | set(_paths(definition.get("deps")))
        for dep in sorted(deps):
            if dep in datasets:
                plan.add("import_derived_from", {"from": sid, "to": datasets[dep], "props": {}})
                summary.edges += 1
    config = find_config(path)
    if config is not None:
        summary.feature_store = add_feature_store(plan, config, project_id)
    _drop_none(plan)
    return summary


def seen_order_key(md5: str, seen_at: int) -> str:
    """A dataset version's `versionKey`: when an import first saw it, not a parse of its md5.

    Parsed as a version, an md5 sorts by accident (`1a0a...` reads as Debian version 1, `c0ff...`
    as unparsable), and the name's NEW_VERSION_OF chain, re-linked by versionKey after every
    import, would then contradict the order of retraining.
    """
    return "0" + f"{max(0, seen_at):013d}" + " " + md5


def _drop_none(plan: ImportPlan) -> None:
    for row in plan.rows.get("import_artifacts", {}).values():
        row["props"] = {k: v for k, v in row["props"].items() if v is not None}


async def link_versions(store: GraphStore, summary: DvcSummary, project_id: str) -> None:
    """Add NEW_VERSION_OF rows from each dataset version new to the graph to the path's current version."""
    rows = [{"id": aid, "name": row["props"]["name"]} for aid, row in summary.plan.rows.get("import_artifacts", {}).items()
            if row["props"].get("artifactType") == "dataset"]
    if not rows:
        return
    stored = {r["id"]: r["node"] for r in await store.read("artifacts_by_id", {"ids": [r["id"] for r in rows]})}
    seen_at = now_ms()
    for r in rows:  # an md5 has no version order: versions follow the order imports first saw them
        props = summary.plan.rows["import_artifacts"][r["id"]]["props"]
        props["versionKey"] = stored.get(r["id"], {}).get("versionKey") or seen_order_key(props["version"], seen_at)
    existing = set(stored)
    new = [r for r in rows if r["id"] not in existing]
    if not new:
        return
    for link in await store.read("dvc_dataset_heads", {"projectId": project_id, "rows": new}):
        summary.plan.add("import_new_version_of", {"from": link["id"], "to": link["previous"], "props": {}})
        summary.edges += 1
