"""Bring artifacts stored before `versionKey` existed up to date (run by every adapter's bootstrap).

Version order lives in a stored sort key (see `maestro_graph/versions.py`) so that Cypher's
ORDER BY agrees with Python; nodes written by an older Maestro have none. Bootstrap computes the
missing keys in batches and re-links the NEW_VERSION_OF chains of the names it touched, so an
upgraded store orders versions like a fresh one.
"""

from __future__ import annotations

from maestro_graph.store.port import GraphStore
from maestro_graph.versions import version_key

BATCH = 1000


async def backfill_version_keys(store: GraphStore, *, graph: str | None = None) -> int:
    """Compute `versionKey` where it is missing; returns how many artifacts were updated."""
    updated = 0
    names: set[str] = set()
    while True:
        rows = await store.read("artifacts_missing_version_key", {"limit": BATCH}, graph=graph)
        if not rows:
            break
        keyed = [{"id": r["id"], "versionKey": version_key(str(r["version"] or ""), r.get("createdAt"))} for r in rows]
        await store.write("set_version_keys", {"rows": keyed}, graph=graph)
        names.update(str(r["name"]) for r in rows if r.get("name") is not None)
        updated += len(rows)
    ordered = sorted(names)
    for start in range(0, len(ordered), BATCH):
        await store.write("import_version_chains", {"names": ordered[start : start + BATCH]}, graph=graph)
    return updated
