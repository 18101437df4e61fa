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


async def write(store: GraphStore, plan: ImportPlan, *, batch_size: int,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    return await write_plan(store, plan, batch_size=batch_size, progress=progress)
