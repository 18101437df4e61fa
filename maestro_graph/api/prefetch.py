"""Look-ahead: the relationship pages of a nested query, fetched level by level before it resolves.

Why. With DataLoaders alone, every relationship field of every node resolves through an
awaitable (graphql-core then gathers each list of them), and every node comes back from the
store with all its properties for the client to decode. A top-level field (`projects`,
`project(id)`, ...) instead reads the query below it once, fetches each level of relationship
pages in one store call per distinct field (as the DataLoaders did), asking only for the
properties the query selects, and leaves the pages in `Loaders` where the nested resolvers find
them synchronously. Anything this does not cover (a field it does not know, an argument it
cannot read, a mutation's result) simply falls back to the DataLoaders: the answer is the same.

Safety. Property names come only from `PROPERTIES`, a fixed whitelist per label keyed by the
GraphQL field that needs them, and travel as a list parameter (`$props`); `first`/`after` are
read from the query and validated exactly as the resolver will (`Loaders.page_args`); anything
else (an argument it cannot read, an invalid one) is left to the resolver; the
query's size was already bounded by the document gate before any resolver ran.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode, DirectiveNode, FieldNode, FragmentSpreadNode, GraphQLResolveInfo, InlineFragmentNode,
    IntValueNode, NullValueNode, SelectionSetNode, StringValueNode, ValueNode, VariableNode,
)
from strawberry.types.nodes import get_variable_values

from maestro_graph.errors import InvalidInput
from maestro_graph.model import OUTCOME_FIELDS
from maestro_graph.service import reads
from maestro_graph.service.pages import Page, PageArgs

AUDIT = ("addedBy", "addedAt", "updatedBy", "updatedAt")
# label -> GraphQL field -> the stored properties its resolver reads (besides `id`, always fetched).
# Relationship and computed fields need only the id. A field missing here is not prefetched.
PROPERTIES: dict[str, dict[str, tuple[str, ...]]] = {
    "Project": {
        "id": (), "__typename": (), "name": ("name",), "description": ("description",),
        "problemClass": ("problemClass",), "problemSubclass": ("problemSubclass",),
        "complexityScore": ("complexityScore",), "status": ("status",), "tags": ("tags",),
        "startedAt": ("startedAt",), "startedAtIso": ("startedAt",),
        "completedAt": ("completedAt",), "completedAtIso": ("completedAt",),
        "outcome": (*OUTCOME_FIELDS, "outcomeMetadata"), "repository": ("repository",), "audit": AUDIT,
        "metadata": ("metadata",),
        "teamSize": (), "team": (), "artifacts": (), "metrics": (), "predictions": (),
    },
    "Artifact": {
        "id": (), "__typename": (), "name": ("name",), "artifactType": ("artifactType",), "version": ("version",),
        "description": ("description",), "tags": ("tags",), "storagePath": ("storagePath",),
        "createdBy": ("createdBy",), "audit": AUDIT, "metadata": ("metadata",),
        "usageCount": (), "impactScore": (), "impactEstimate": (), "impactByClass": (), "usedBy": (), "coUsedWith": (), "versions": (), "lineage": (),
    },
    "Person": {
        "id": (), "__typename": (), "name": ("name",), "role": ("role",), "skills": ("skills",),
        "projects": (), "artifactsCreated": (),
    },
}


@dataclass(frozen=True)
class Hop:
    """A relationship field that can be prefetched: its projecting statement and the label it reaches."""

    statement: str
    child: str


HOPS: dict[tuple[str, str], Hop] = {
    ("Project", "team"): Hop("project_team_fields", "Person"),
    ("Project", "artifacts"): Hop("project_artifacts_fields", "Artifact"),
    ("Person", "projects"): Hop("person_projects_fields", "Project"),
    ("Person", "artifactsCreated"): Hop("person_artifacts_created_fields", "Artifact"),
    ("Artifact", "usedBy"): Hop("artifact_used_by_fields", "Project"),
    ("Artifact", "coUsedWith"): Hop("artifact_co_used_fields", "Artifact"),
}

ReadyKey = tuple[int, PageArgs]  # (id of the field's AST node, its page arguments)


@dataclass
class _Want:
    """One store call of a level: a relationship field, its arguments, and every parent reaching it."""

    hop: Hop
    node: FieldNode
    args: PageArgs
    props: tuple[str, ...]
    parents: dict[str, None] = field(default_factory=dict)  # ordered set


def ready_key(field_node: FieldNode, args: PageArgs) -> ReadyKey:
    return (id(field_node), args)


_UNREADABLE = object()


def _value(node: ValueNode | None, variables: dict[str, Any]) -> Any:
    """A literal or variable argument of the few types look-ahead reads (Int, String, Boolean, null)."""
    if node is None or isinstance(node, NullValueNode):
        return None
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, (StringValueNode, BooleanValueNode)):
        return node.value
    return _UNREADABLE


def _arguments(node: FieldNode | DirectiveNode, variables: dict[str, Any]) -> dict[str, Any]:
    return {argument.name.value: _value(argument.value, variables) for argument in node.arguments or ()}


def _included(node: Any, variables: dict[str, Any]) -> bool:
    for directive in node.directives or ():
        condition = _arguments(directive, variables).get("if")
        if (directive.name.value, condition) in (("skip", True), ("include", False)):
            return False
    return True


def _fields(selection_set: SelectionSetNode | None, info: GraphQLResolveInfo) -> Iterator[FieldNode]:
    """The fields of a selection set, fragments flattened, @skip/@include honoured."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if not _included(selection, get_variable_values(info)):
            continue
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, info)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info.fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, info)


def node_selections(connection: FieldNode, info: GraphQLResolveInfo) -> list[SelectionSetNode]:
    """The `edges { node { ... } }` selection sets under a connection field."""
    return [
        node.selection_set
        for edges in _fields(connection.selection_set, info) if edges.name.value == "edges"
        for node in _fields(edges.selection_set, info) if node.name.value == "node" and node.selection_set
    ]


def _props(label: str, selections: Sequence[SelectionSetNode], info: GraphQLResolveInfo) -> tuple[str, ...] | None:
    """`id` and the whitelisted properties the selections read; None if one field is unknown."""
    known = PROPERTIES[label]
    wanted = {"id": None}
    for selection_set in selections:
        for node in _fields(selection_set, info):
            needs = known.get(node.name.value)
            if needs is None:
                return None
            wanted.update(dict.fromkeys(needs))
    return tuple(wanted)


def _page_args(loaders: Any, node: FieldNode, info: GraphQLResolveInfo) -> PageArgs | None:
    """The field's page arguments as its resolver will read them; None when they are not valid."""
    values = _arguments(node, get_variable_values(info))
    first, after = values.get("first"), values.get("after")
    if not (first is None or isinstance(first, int)) or not (after is None or isinstance(after, str)):
        return None
    try:
        args: PageArgs = loaders.page_args(first, after)
    except InvalidInput:
        return None  # the resolver raises the same error, at the field's own path
    return args


async def prefetch(info: Any, label: str, ids: Sequence[str], selections: Sequence[SelectionSetNode]) -> None:
    """Fetch every prefetchable relationship under `selections` (nodes of `label` with `ids`).

    One store call per distinct (field, arguments) and level; a level's calls run together.
    `info` is the Strawberry Info of the top-level field.
    """
    raw: GraphQLResolveInfo = info._raw_info
    loaders = info.context.loaders
    store = info.context.store
    level: list[tuple[str, Sequence[str], Sequence[SelectionSetNode]]] = [(label, ids, selections)]
    while level:
        wants: dict[ReadyKey, _Want] = {}
        for parent_label, parent_ids, parent_selections in level:
            if not parent_ids:
                continue
            nodes = [node for selection_set in parent_selections for node in _fields(selection_set, raw)]
            # a response key selected twice is merged by graphql-core: its resolver sees several
            # field nodes, so it is left to the DataLoaders
            keys = Counter((node.alias or node.name).value for node in nodes)
            for node in nodes:
                hop = HOPS.get((parent_label, node.name.value))
                if hop is None or keys[(node.alias or node.name).value] > 1:
                    continue
                args = _page_args(loaders, node, raw)
                props = _props(hop.child, node_selections(node, raw), raw)
                if args is None or props is None:
                    continue
                key = ready_key(node, args)
                want = wants.get(key)
                if want is None:
                    want = wants[key] = _Want(hop, node, args, props)
                want.parents.update((i, None) for i in parent_ids if not loaders.has_ready(key, i))
        wanted = [w for w in wants.values() if w.parents]
        if not wanted:
            return  # e.g. a point read without relationships: no store call, no await
        pages = await asyncio.gather(*(
            reads.related_fields(store, w.hop.statement, list(w.parents), w.args, w.props) for w in wanted))
        level = []
        for want, found in zip(wanted, pages):
            loaders.set_ready(ready_key(want.node, want.args), dict(zip(want.parents, found)))
            children = dict.fromkeys(row["node"]["id"] for page in found for row in page.rows)
            level.append((want.hop.child, list(children), node_selections(want.node, raw)))


async def prefetch_connection(info: Any, label: str, page: Page) -> None:
    """Prefetch below a top-level list whose page of `label` nodes was just read."""
    raw: GraphQLResolveInfo = info._raw_info
    selections = [s for node in raw.field_nodes for s in node_selections(node, raw)]
    await prefetch(info, label, [row["node"]["id"] for row in page.rows], selections)


async def prefetch_node(info: Any, label: str, node_id: str | None) -> None:
    """Prefetch below a top-level field that returns one `label` node (None: not found)."""
    raw: GraphQLResolveInfo = info._raw_info
    if node_id is not None:
        await prefetch(info, label, [node_id], [n.selection_set for n in raw.field_nodes if n.selection_set])


def ready_page(info: Any, args: PageArgs, parent_id: str) -> Page | None:
    """The prefetched page of the field being resolved for `parent_id`, if the look-ahead fetched it."""
    nodes = info._raw_info.field_nodes
    return info.context.loaders.ready(ready_key(nodes[0], args), parent_id) if len(nodes) == 1 else None
