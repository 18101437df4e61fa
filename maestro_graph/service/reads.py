"""Reads: nodes by id, filtered lists, and relationship pages batched over many parents.

Every batched function takes a list of parent ids and answers for all of them in one store
call; DataLoaders in the API use them so that a nested query costs one call per level.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

from maestro_graph.versions import version_key
from maestro_graph.service.compile import Keyset, check_order, compile_page, compile_where
from maestro_graph.service.filters import ARTIFACTS, PERSONS, PROJECTS, Entity, Where, check_size, resolve_relations
from maestro_graph.service.pages import KeysetPage, Page, PageArgs, decode_keyset, encode_keyset, query_digest
from maestro_graph.store.port import GraphStore
from maestro_graph.substrings import SEARCHABLE, derived_keys

Node = dict[str, Any]
LABEL_STATEMENTS = {"Project": "projects_by_id", "Artifact": "artifacts_by_id", "Person": "persons_by_id"}
# label -> (page statement, count statement, what can be filtered and sorted)
LISTS: dict[str, tuple[str, str, Entity]] = {
    "Project": ("projects_page", "projects_count", PROJECTS),
    "Artifact": ("artifacts_page", "artifacts_count", ARTIFACTS),
    "Person": ("persons_page", "persons_count", PERSONS),
}


VECTOR_KEYS = ("embedding", "embeddingModel", "embeddingTextHash")
HIDDEN_KEYS = frozenset(VECTOR_KEYS) | {key for label in SEARCHABLE for key in derived_keys(label)}  # search text is the store's


def node_of(props: Node) -> Node:
    """A node's properties as a read statement returns them, without the vector keys.

    Statements project `n {.*, embedding: null, ...}` (valid in both dialects) so that no read
    ships 384 floats; the nulled keys are dropped here so they do not look like data.
    """
    return {k: v for k, v in props.items() if k not in HIDDEN_KEYS}


async def nodes_by_id(store: GraphStore, label: str, ids: Sequence[str]) -> list[Node | None]:
    """Nodes in the order of `ids`; None where an id is unknown (DataLoader contract)."""
    rows = await store.read(LABEL_STATEMENTS[label], {"ids": list(ids)})
    found = {row["id"]: node_of(row["node"]) for row in rows}
    return [found.get(i) for i in ids]


async def list_nodes(
    store: GraphStore, label: str, where: Where | None, order_field: str, descending: bool,
    first: int, after: str | None, *, count: bool = True,
) -> KeysetPage:
    """One keyset page of a label's nodes matching `where`; counted only when `count` is true.

    Everything a client can get wrong (size of the filter, order field, cursor) is checked
    before the first store call.
    """
    page_statement, count_statement, entity = LISTS[label]
    check_size(where)
    check_order(entity, order_field)
    digest = query_digest(label, where, order_field, descending)
    start = Keyset(*decode_keyset(after, digest)) if after else None
    where = await resolve_relations(store, entity, where)
    page = compile_page(entity, where, order_field, descending, start, first, store.dialect)
    rows_call = store.read(page_statement, page.params, fill=page.fill)
    if count:
        counted = compile_where(entity, where, store.dialect)
        rows, total_rows = await asyncio.gather(
            rows_call, store.read(count_statement, counted.params, fill=counted.fill))
        total: int | None = total_rows[0]["total"]
    else:
        rows, total = await rows_call, None
    shown = rows[:first]
    nodes = [node_of(r["node"]) for r in shown]
    return KeysetPage(
        [{"node": n} for n in nodes], total, next_exists=len(rows) > first, previous_exists=bool(after),
        cursors=[encode_keyset(digest, r["key"], n["id"]) for r, n in zip(shown, nodes)],
    )


async def related(
    store: GraphStore, statement: str, ids: Sequence[str], args: PageArgs, **params: Any
) -> list[Page]:
    """One page of a relationship for each parent id (an empty page where it has none)."""
    rows = await store.read(statement, {"ids": list(ids), "skip": args.skip, "limit": args.limit, **params})
    found = {row["id"]: Page(row["page"], row["total"], args.skip) for row in rows}
    return [found.get(i, Page([], 0, args.skip)) for i in ids]


async def related_fields(
    store: GraphStore, statement: str, ids: Sequence[str], args: PageArgs, props: Sequence[str],
) -> list[Page]:
    """`related`, through a statement that returns each node as the values of `props` only.

    `props` are property names from a fixed whitelist (api/prefetch.py), never client text; a
    node comes back as the dict of the ones it has (an unset property is absent, as with
    `properties(n)`), so the client decodes only what the query will read.
    """
    keys = list(props)
    rows = await store.read(statement, {"ids": list(ids), "skip": args.skip, "limit": args.limit, "props": keys})
    for row in rows:
        for r in row["page"]:
            r["node"] = {k: v for k, v in zip(keys, r["node"]) if v is not None}
    found = {row["id"]: Page(row["page"], row["total"], args.skip) for row in rows}
    return [found.get(i, Page([], 0, args.skip)) for i in ids]


async def artifact_impact(store: GraphStore, ids: Sequence[str]) -> list[dict[str, Any]]:
    rows = await store.read("artifact_impact", {"ids": list(ids)})
    found = {row["id"]: row for row in rows}
    return [found.get(i, {"usageCount": 0, "impactScore": None, "estimate": None, "byClass": None}) for i in ids]


async def team_sizes(store: GraphStore, ids: Sequence[str]) -> list[int]:
    """How many people are members of each project (0 for an unknown id)."""
    rows = await store.read("project_team_sizes", {"ids": list(ids)})
    found = {row["id"]: row["teamSize"] for row in rows}
    return [found.get(i, 0) for i in ids]


async def artifact_versions(store: GraphStore, ids: Sequence[str]) -> list[list[Node]]:
    """All versions sharing each artifact's name, newest first (by `versionKey`, see versions.py)."""
    rows = await store.read("artifact_versions", {"ids": list(ids)})
    found = {row["id"]: sorted(row["versions"], key=lambda v: v.get("versionKey") or version_key(v.get("version", ""), v.get("createdAt")), reverse=True)
             for row in rows}
    return [found.get(i, []) for i in ids]


async def artifact_lineage(store: GraphStore, ids: Sequence[str], direction: str, depth: int) -> list[list[dict[str, Any]]]:
    """Lineage rows (node, depth, path, direction) per artifact; depth is capped at 3 by the caller.

    An ancestor reachable along several paths (a diamond) is listed once, at its shortest path:
    the statements return rows by increasing depth, so the first row seen for a node wins.
    """
    statements = {"UPSTREAM": ["artifact_lineage_upstream"], "DOWNSTREAM": ["artifact_lineage_downstream"],
                  "BOTH": ["artifact_lineage_upstream", "artifact_lineage_downstream"]}[direction]
    found: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for statement in statements:
        label = "UPSTREAM" if statement.endswith("upstream") else "DOWNSTREAM"
        seen: set[tuple[str, str]] = set()
        for row in await store.read(statement, {"ids": list(ids), "depth": depth}):
            if (row["id"], row["node"]["id"]) in seen:
                continue
            seen.add((row["id"], row["node"]["id"]))
            found[row["id"]].append({"node": row["node"], "depth": row["depth"], "path": row["path"], "direction": label})
    return [found[i] for i in ids]


async def search_artifacts(
    store: GraphStore, query: str | None, artifact_type: str | None, tags: Sequence[str],
    min_impact: float | None, args: PageArgs,
) -> Page:
    """Full-text candidates from the store's index, filtered, ranked by text score then impact.

    This is where semantic ranking plugs in: the embeddings work re-ranks these candidates by
    vector similarity (or merges in `store.vector_search` hits) before paging.
    """
    terms = re.findall(r"\w+", (query or "").lower())
    params = {"type": artifact_type, "tags": [t.lower() for t in tags], "minImpact": min_impact,
              "skip": args.skip, "limit": args.limit}
    text = store.fulltext_query(terms) if terms else ""
    if text:
        row = (await store.read("search_artifacts", {**params, "text": text}))[0]
    else:
        row = (await store.read("search_artifacts_browse", params))[0]
    return Page(row["page"], row["total"], args.skip)
