"""What every source importer shares: the project must exist, rows go out as batched MERGEs.

Importers turn a source into an `ImportPlan` (the JSONL import's rows, keyed by id), so they
reuse the JSONL import's named `UNWIND $rows MERGE` statements and inherit its idempotency: the
same source twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from maestro_graph import model as m
from maestro_graph.errors import NotFound
from maestro_graph.ingest.jsonl import ImportPlan, ImportReport, write_plan
from maestro_graph.store.port import GraphStore

WEEK_MS = 7 * 24 * 3600 * 1000


async def require_project(store: GraphStore, project_id: str) -> None:
    """Fail before reading a source when the project it feeds does not exist."""
    if not await store.read("existing_project_ids", {"ids": [project_id]}):
        raise NotFound(f"no project {project_id} (create it first, e.g. with maestro import)", "project")


def metric_row(project_id: str, mtype: str, value: float, at: int, source: str, *, key: object = None,
               metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Metric row for `import_metrics`.

    The id is derived from (project, type, at) like `recordMetric`'s, or from (project, type,
    `key`) when the source has its own identity for a point (a CI run id), so that a later
    version of the same point replaces the earlier one.
    """
    metric_id = m.derived_id("metric", project_id, mtype, at if key is None else key)
    props = {"projectId": project_id, "type": mtype, "value": float(value), "at": int(at), "source": source,
             "metadata": m.metadata_json(metadata or {})}
    return {"id": metric_id, "project": project_id, "props": {k: v for k, v in props.items() if v is not None}}


def week_start_ms(epoch_s: float) -> int:
    """Monday 00:00 UTC of the ISO week holding `epoch_s`, in epoch ms."""
    day = datetime.fromtimestamp(epoch_s, tz=timezone.utc).date()
    monday = datetime(day.year, day.month, day.day, tzinfo=timezone.utc) - timedelta(days=day.weekday())
    return int(monday.timestamp() * 1000)


REFERENCES = ("artifact", "from", "to")  # the row keys that name an artifact in edge statements


async def adopt_existing_versions(store: GraphStore, plan: ImportPlan) -> int:
    """Point the plan at artifact versions the graph already holds under another id.

    Why: name + version is an artifact's identity (a constraint in the store), while importers
    derive ids from their source. A fork of a DVC repository, a dataset at the same path with
    the same md5 in two projects, or a Feast store or MLflow model another import already
    brought in, would otherwise be refused as a conflict. The same name and version is the same
    artifact: the import adds this project's edges to the node as it is (its properties, audit
    and version order untouched). Returns how many planned artifacts were adopted.
    """
    artifacts = plan.rows.get("import_artifacts", {})
    if not artifacts:
        return 0
    first: dict[tuple[str, str], str] = {}
    adopted: dict[str, str] = {}  # planned id -> id of the node to use instead
    for row in artifacts.values():  # the same name+version twice in one plan: the first one stays
        version = (row["props"]["name"], row["props"]["version"])
        if first.setdefault(version, row["id"]) != row["id"]:
            adopted[row["id"]] = first[version]
    names = sorted({name for name, _ in first})
    for start in range(0, len(names), 1000):
        for found in await store.read("existing_artifact_versions", {"names": names[start : start + 1000]}):
            planned = first.get((found["name"], found["version"]))
            if planned is not None and planned != found["id"]:
                adopted[planned] = found["id"]
                adopted.update({k: found["id"] for k, v in adopted.items() if v == planned})
    if not adopted:
        return 0
    plan.rows["import_artifacts"] = {k: r for k, r in artifacts.items() if r["id"] not in adopted}
    for statement, rows in list(plan.rows.items()):
        if statement == "import_artifacts":
            continue
        remapped = ImportPlan()
        for row in rows.values():
            row = {k: adopted.get(v, v) if k in REFERENCES else v for k, v in row.items()}
            if row.get("from") is None or row["from"] != row.get("to"):
                remapped.add(statement, row)
        plan.rows[statement] = remapped.rows.get(statement, {})
    return len(adopted)


async def write(store: GraphStore, plan: ImportPlan, *, batch_size: int,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Write a source importer's plan, reusing artifact versions the graph already has."""
    await adopt_existing_versions(store, plan)
    return await write_plan(store, plan, batch_size=batch_size, progress=progress)
