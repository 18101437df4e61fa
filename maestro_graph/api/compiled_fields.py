"""Compiled nested reads, the fields: what each response key reads from a store row, and its coercion.

The readers repeat what each type's `from_node` and edge constructor read from a row (the node
dict a statement returns, the `{node, edge}` or `{node, count}` row of a relationship page);
`tests/api/test_compiled_reads.py` checks every node reader against `from_node` on stored nodes.
`completer` coerces a value by its GraphQL type as graphql-core's completion does, and raises
`Unanswerable` where graphql-core would add an error instead, so the executor answers then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLBoolean, GraphQLEnumType, GraphQLID, GraphQLList, GraphQLNonNull, GraphQLScalarType, GraphQLString,
)
from graphql.pyutils import Undefined

from maestro_graph.api.types.common import iso
from maestro_graph.api.types.inputs import ArtifactOrder, PersonOrder, ProjectOrder
from maestro_graph.api.types.nodes import _artifact_type, _problem_class, _status


class Unanswerable(Exception):
    """The compiled path cannot give the executor's answer (an error would be part of it)."""


Read = Callable[[Any], Any]


class Property:
    """A stored property read with a default (`n.get(key, default)`); a leaf step reads it in line."""

    __slots__ = ("key", "default")

    def __init__(self, key: str, default: Any = None) -> None:
        self.key, self.default = key, default

    def __call__(self, node: dict[str, Any]) -> Any:
        return node.get(self.key, self.default)


_get = Property


def _edge(key: str) -> Read:
    return lambda row: row["edge"].get(key)


def _edge_iso(key: str) -> Read:
    return lambda row: iso(row["edge"].get(key))


# GraphQL object type -> field -> the value its `from_node` gives the attribute, from the node dict
NODE_READS: dict[str, dict[str, Read]] = {
    "Project": {
        "id": _get("id"), "name": _get("name", ""), "description": _get("description"),
        "problemClass": lambda n: _problem_class(n.get("problemClass", "other")),
        "problemSubclass": _get("problemSubclass"), "complexityScore": _get("complexityScore"),
        "status": lambda n: _status(n.get("status", "planned")), "tags": lambda n: n.get("tags") or [],
        "repository": _get("repository"), "startedAt": _get("startedAt"), "completedAt": _get("completedAt"),
        "startedAtIso": lambda n: iso(n.get("startedAt")), "completedAtIso": lambda n: iso(n.get("completedAt")),
    },
    "Artifact": {
        "id": _get("id"), "name": _get("name", ""),
        "artifactType": lambda n: _artifact_type(n.get("artifactType", "other")),
        "version": _get("version", "1.0.0"), "description": _get("description"), "tags": lambda n: n.get("tags") or [],
        "storagePath": _get("storagePath"), "createdBy": _get("createdBy"),
    },
    "Person": {
        "id": _get("id"), "name": _get("name", ""), "role": _get("role"), "skills": lambda n: n.get("skills") or [],
    },
}
# edge type -> field -> its value, from the page row (`{node, edge}` or `{node, count}`)
_MEMBERSHIP = {"role": _edge("role"), "since": _edge("since"), "sinceIso": _edge_iso("since")}
_USAGE = {"context": _edge("context"), "impact": _edge("impact"), "at": _edge("at"), "atIso": _edge_iso("at")}
EDGE_READS: dict[str, dict[str, Read]] = {
    "ProjectEdge": {}, "ArtifactEdge": {}, "PersonEdge": {},
    "MembershipEdge": _MEMBERSHIP, "PersonProjectEdge": _MEMBERSHIP,
    "ProjectArtifactEdge": _USAGE, "ArtifactUsageEdge": _USAGE,
    "CoUsedEdge": {"count": lambda row: row["count"]},
}
PAGE_INFO: dict[str, Read] = {
    "hasNextPage": lambda page: page.has_next, "hasPreviousPage": lambda page: page.has_previous,
    "startCursor": lambda page: page.cursor(0) if page.rows else None,
    "endCursor": lambda page: page.cursor(len(page.rows) - 1) if page.rows else None,
}
# root list field -> (label, its order input's default), as the resolvers in api/schema.py and queries/analytics.py
ROOT_LISTS: dict[str, tuple[str, type]] = {
    "projects": ("Project", ProjectOrder), "artifacts": ("Artifact", ArtifactOrder), "persons": ("Person", PersonOrder),
}
ROOT_NODES: dict[str, str] = {"project": "Project", "artifact": "Artifact", "person": "Person"}
PAGE_ARGUMENTS = frozenset(("first", "after"))


def completer(declared: Any) -> Callable[[Any], Any]:
    """Coerce a value of the GraphQL type `declared` as graphql-core's completion would, or raise
    Unanswerable where graphql-core would add an error (null for non-null, a refused value)."""
    nullable = not isinstance(declared, GraphQLNonNull)
    inner = declared.of_type if not nullable else declared
    if isinstance(inner, GraphQLList):
        item = completer(inner.of_type)

        def complete_items(value: Any) -> Any:
            if not isinstance(value, (list, tuple)):
                raise Unanswerable
            return [item(x) for x in value]

        body = complete_items
    elif isinstance(inner, (GraphQLScalarType, GraphQLEnumType)):
        coerce = inner.coerce_output_value

        def complete_leaf(value: Any) -> Any:
            try:
                result = coerce(value)
            except Exception:  # noqa: BLE001 - graphql-core words this error: the executor answers
                raise Unanswerable from None
            if result is Undefined or result is None:
                raise Unanswerable
            return result

        body = complete_leaf
    else:
        raise TypeError(f"not a leaf type: {inner}")

    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise Unanswerable
        return body(value)

    return complete


# built-in scalars whose output is the value itself when it has this Python type (graphql-core's
# serialize_string / serialize_id / serialize_boolean return such a value unchanged)
SAME: dict[Any, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}
