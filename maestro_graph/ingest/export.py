"""Write the graph as JSONL in the interchange format, so `import` of the result rebuilds it."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from maestro_graph.model import OUTCOME_FIELDS
from maestro_graph.store.port import GraphStore
from maestro_graph.substrings import SEARCHABLE, derived_keys

PAGE = 5000
INTERNAL = {"embedding", "tagsText", "versionKey", "embeddingModel", "embeddingTextHash",
            *(key for label in SEARCHABLE for key in derived_keys(label)),  # recomputed by the importer
            "impactScore", "impactLow", "impactHigh", "impactN", "impactByClass"}  # recomputed by `maestro train` from the outcomes
EDGE_KINDS = {"MEMBER_OF": "membership", "USED": "usage", "DERIVED_FROM": "lineage", "NEW_VERSION_OF": "lineage"}


async def _pages(store: GraphStore, statement: str) -> AsyncIterator[dict[str, Any]]:
    """Keyset paging: each page starts after the last key seen, so concurrent writes beside a
    running server cannot make a page skip or repeat a record."""
    after = ""
    while True:
        rows = await store.read(statement, {"after": after, "limit": PAGE})
        for row in rows:
            yield row
        if len(rows) < PAGE:
            return
        after = rows[-1]["key"]


def _unflatten(kind: str, props: dict[str, Any]) -> dict[str, Any]:
    """Stored properties -> a JSONL record: metadata back to top-level keys, outcome regrouped."""
    rec: dict[str, Any] = {"kind": kind}
    meta = props.get("metadata")
    if isinstance(meta, str):
        rec["metadata"] = json.loads(meta)  # nested: its keys must not collide with real fields
    outcome = {k: props[k] for k in OUTCOME_FIELDS if k in props}
    if kind == "project" and isinstance(props.get("outcomeMetadata"), str):
        outcome = {**json.loads(props["outcomeMetadata"]), **outcome}  # unknown outcome keys, as imported
    for key, value in props.items():
        if key in INTERNAL or key in ("metadata", "outcomeMetadata") or (kind == "project" and key in outcome):
            continue
        rec[key] = value
    if kind == "project" and outcome:
        rec["outcome"] = outcome
    return rec


def _edge(row: dict[str, Any]) -> dict[str, Any]:
    kind = EDGE_KINDS[row["type"]]
    props = dict(row["props"])
    if isinstance(props.get("metadata"), str):
        props["metadata"] = json.loads(props["metadata"])
    if kind == "membership":
        return {"kind": kind, "person": row["source"], "project": row["target"], **props}
    if kind == "usage":
        rec = {"kind": kind, "project": row["source"], "artifact": row["target"], **props}
        if "impact" in rec:
            rec["score"] = rec.pop("impact")
        return rec
    return {"kind": kind, "from": row["source"], "to": row["target"], "type": row["type"], **props}


async def export_file(store: GraphStore, path: Path, *, progress: Callable[[int], None] | None = None) -> int:
    """Nodes first, then edges, then metrics: the order `import` needs. Returns lines written.

    Written to a temporary file beside `path` and renamed at the end, so a failure never leaves a
    truncated export (or destroys the previous one).
    """
    count = 0
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8") as out:
        def emit(rec: dict[str, Any]) -> None:
            nonlocal count
            out.write(json.dumps(rec, sort_keys=True) + "\n")
            count += 1
            if progress:
                progress(1)

        for kind, statement in (("person", "export_persons"), ("project", "export_projects"), ("artifact", "export_artifacts")):
            async for row in _pages(store, statement):
                emit(_unflatten(kind, row["props"]))
        async for row in _pages(store, "export_edges"):
            emit(_edge(row))
        async for row in _pages(store, "export_metrics"):
            rec = _unflatten("metric", row["props"])
            rec["project"] = rec.pop("projectId", row["project"])
            emit(rec)
    os.replace(partial, path)
    return count
