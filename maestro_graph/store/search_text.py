"""Give projects stored before search text existed their lower-cased name and trigrams.

Run by every adapter's bootstrap. `contains` on a searchable field is narrowed by the trigram
index and re-checked on the stored lower-cased copy (maestro_graph/substrings.py), so a node
without them would never match: bootstrap computes them in batches, in Python, as writes do.
"""

from __future__ import annotations

from maestro_graph.store.port import GraphStore
from maestro_graph.substrings import search_props

BATCH = 1000


async def backfill_search_text(store: GraphStore, *, graph: str | None = None) -> int:
    """Store `nameLower` and `nameGrams` where they are missing; returns how many projects were updated."""
    updated = 0
    while True:
        rows = await store.read("projects_missing_search_text", {"limit": BATCH}, graph=graph)
        if not rows:
            return updated
        derived = [{"id": r["id"], **search_props("Project", {"name": r["name"]})} for r in rows]
        await store.write("set_project_search_text", {"rows": derived}, graph=graph)
        updated += len(rows)
