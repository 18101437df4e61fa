"""Hybrid artifact search: the store's full-text hits and the nearest vectors, fused by rank.

A query that shares no word with an artifact still finds it through its meaning ("fraud
detection" finds "scores card payments and flags suspicious charges"). Both lists are fused by
reciprocal rank (their scores are on unrelated scales, and artifact search has no labelled
signal to learn weights from), the filters apply to both, and every hit says why it is there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from maestro_graph.service.pages import Page, PageArgs
from maestro_graph.similarity.fusion import RRF_K
from maestro_graph.similarity.service import Similarity, artifact_neighbours
from maestro_graph.store.port import GraphStore

TEXT_CANDIDATES = 500
SEMANTIC_CANDIDATES = 100


async def hybrid_search(
    store: GraphStore, sim: Similarity, query: str, artifact_type: str | None, tags: Sequence[str],
    min_impact: float | None, args: PageArgs, *, min_similarity: float,
) -> Page:
    terms = re.findall(r"\w+", query.lower())
    filters = {"type": artifact_type, "tags": [t.lower() for t in tags], "minImpact": min_impact}
    text_rows: list[dict[str, Any]] = []
    fulltext = store.fulltext_query(terms)
    if fulltext:
        found = (await store.read("search_artifacts", {**filters, "text": fulltext, "skip": 0, "limit": TEXT_CANDIDATES}))[0]
        text_rows = found["page"]
    artifacts = int((await store.read("artifact_count"))[0]["n"])
    near = await artifact_neighbours(store, sim, query, SEMANTIC_CANDIDATES, artifacts) if artifacts else {}
    near = {i: s for i, s in near.items() if s >= min_similarity}
    text_rank = _dense_ranks({r["node"]["id"]: float(r["score"] or 0.0) for r in text_rows})
    extra = [i for i in near if i not in text_rank]
    semantic_rows = (await store.read("search_artifacts_by_ids", {**filters, "ids": extra})) if extra else []
    rows = {r["node"]["id"]: r for r in text_rows} | {r["node"]["id"]: r for r in semantic_rows}
    semantic_rank = _dense_ranks(near)
    ranked = []
    for aid, row in rows.items():
        score = 0.0
        why = []
        if aid in text_rank:
            score += 1.0 / (RRF_K + text_rank[aid] + 1)
        # Said of every hit, not only the full-text ones: the full-text index needs every word, so
        # "fraud detection" finds "labelled fraud cases" by meaning alone, yet "fraud" is shared.
        words = _matching(terms, row["node"])
        if words:
            why.append(f"matching terms: {', '.join(words[:3])}")
        if aid in near:
            score += 1.0 / (RRF_K + semantic_rank[aid] + 1)
            why.append(f"similar meaning ({near[aid]:.2f})")
        ranked.append({**row, "node": {k: v for k, v in row["node"].items() if not k.startswith("embedding")},
                       "score": score, "reasons": why})
    ranked.sort(key=lambda r: (-r["score"], -(r["impact"] or -1.0), r["node"].get("name") or "", r["node"]["id"]))
    return Page(ranked[args.skip : args.skip + args.limit], len(ranked), args.skip)


def _dense_ranks(scores: dict[str, float]) -> dict[str, int]:
    """Rank 0 for the best score; equal scores share a rank, so impact decides between them."""
    distinct = {s: rank for rank, s in enumerate(sorted(set(scores.values()), reverse=True))}
    return {i: distinct[s] for i, s in scores.items()}


def _matching(terms: Sequence[str], node: dict[str, Any]) -> list[str]:
    text = " ".join([node.get("name") or "", node.get("description") or "", " ".join(node.get("tags") or [])]).lower()
    words = set(re.findall(r"\w+", text))
    return [t for t in dict.fromkeys(terms) if t in words or any(w.startswith(t) for w in words if len(t) > 2)]
