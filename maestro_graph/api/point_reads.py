"""Compiled point reads: `{ project(id: "p:7") { id name status } }` answered without an executor.

Why: such a read is one store call and a few attribute reads, yet it went through Strawberry's
view and schema (request adapter, context, loaders, extension hooks per lifecycle step) and
graphql-core's executor: ≈ 85% of its CPU was that machinery, not the store call (profile in
`bench/README.md`). A document of this exact shape is recognised once per query text and
operation name and then answered in line: the same store statement as the `project`/`artifact`/
`person` resolvers (`reads.nodes_by_id`), the same `from_node`, each field read and coerced by its
GraphQL type exactly as the executor's fast path does (`execution.py`), the same JSON bytes.

What stays identical, because the fast path runs where the view would run: the HTTP metrics,
authentication and anonymous-read policy, the guard's body checks, rate limit, time budget and
response cap all ran before it. The document must have passed the same limits and validation
(`DocumentGate`), and the GraphQL operation is timed and counted under the same label.

Recognised only: one query operation, no fragments, no directives, one root field of `ROOTS`
(no permission classes or extensions) whose only argument `id` is a string literal or an
`ID`/`ID!` variable, selecting argument-less built-in scalar or enum attributes. Anything else,
and any answer that would need an error (an unstorable id, a null where the type is non-null, a
value the scalar refuses, a store call that fails), is answered by the view as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode, GraphQLEnumType, GraphQLError, GraphQLNonNull, GraphQLObjectType, NamedTypeNode, NonNullTypeNode,
    OperationDefinitionNode, OperationType, StringValueNode, VariableNode,
)
from graphql.pyutils import Undefined
from graphql.type.scalars import specified_scalar_types
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.schema.schema_converter import GraphQLCoreConverter

from maestro_graph.api.argument_guard import unstorable
from maestro_graph.api.compiled_route import CompiledRoute
from maestro_graph.api.documents import parse_cached
from maestro_graph.api.execution import plain_attribute
from maestro_graph.api.metrics import OperationClock
from maestro_graph.api.types.nodes import Artifact, Person, Project
from maestro_graph.errors import MaestroError
from maestro_graph.service import reads

# root field -> (label, node -> object), exactly as its resolver in `api/schema.py` builds the answer
ROOTS: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "project": ("Project", Project.from_node),
    "artifact": ("Artifact", Artifact.from_node),
    "person": ("Person", Person.from_node),
}
_BUILT_IN_SCALARS = frozenset(specified_scalar_types.values())

@dataclass(frozen=True)
class Leaf:
    response_name: str
    attribute: str
    nullable: bool
    coerce: Callable[[Any], Any]


@dataclass(frozen=True)
class PointRead:
    """A compiled document: which node to read and which of its attributes to answer."""

    response_name: str
    label: str
    build: Callable[[dict[str, Any]], Any]
    id_literal: str | None
    id_variable: str | None
    leaves: tuple[Leaf, ...]
    operation_label: str | None  # what the view's metrics would call the operation

    def node_id(self, variables: dict[str, Any] | None) -> str | None:
        """The id to read, or None when only the full path can answer (and word the error)."""
        if self.id_literal is not None:
            node_id: Any = self.id_literal
            if variables:
                return None  # unused variables: left to the view (no difference, but nothing to gain)
        else:
            if not variables or len(variables) != 1:
                return None
            node_id = variables.get(self.id_variable)  # type: ignore[arg-type]
        if not isinstance(node_id, str) or unstorable(node_id):
            return None
        return node_id

    def data(self, node: dict[str, Any] | None) -> dict[str, Any] | None:
        """The `data` object for the node read, or None when the answer would hold an error."""
        if node is None:
            return {self.response_name: None}
        try:
            source = self.build(node)
        except Exception:  # noqa: BLE001 - e.g. a stored value no enum knows: the resolver's error, masked by the view
            return None
        fields: dict[str, Any] = {}
        for leaf in self.leaves:
            value = getattr(source, leaf.attribute)
            if value is None:
                if not leaf.nullable:
                    return None
                fields[leaf.response_name] = None
                continue
            try:
                coerced = leaf.coerce(value)
            except Exception:  # noqa: BLE001 - the executor words this error; it answers instead
                return None
            if coerced is None or coerced is Undefined:
                return None
            fields[leaf.response_name] = coerced
        return {self.response_name: fields}


def _id_argument(field: FieldNode, operation: OperationDefinitionNode) -> tuple[str | None, str | None] | None:
    """(literal, variable name) of the root field's `id`; None when it is anything else."""
    if len(field.arguments or ()) != 1 or field.arguments[0].name.value != "id":
        return None
    value = field.arguments[0].value
    if isinstance(value, StringValueNode):
        return (value.value, None) if not operation.variable_definitions else None
    if not isinstance(value, VariableNode) or len(operation.variable_definitions or ()) != 1:
        return None
    definition = operation.variable_definitions[0]
    declared = definition.type.type if isinstance(definition.type, NonNullTypeNode) else definition.type
    if (definition.variable.name.value != value.name.value or definition.default_value is not None
            or definition.directives or not isinstance(declared, NamedTypeNode) or declared.name.value != "ID"):
        return None
    return None, value.name.value


def compile_point_read(schema: Any, query: str, operation_name: str | None) -> PointRead | None:
    """The compiled form of `query`, or None when it is not a point read the fast path may answer.

    `schema` is the Strawberry schema of the view (its gate applies the view's own limits and rules).
    """
    document = parse_cached(query)
    if isinstance(document, GraphQLError) or len(document.definitions) != 1:
        return None
    operation = document.definitions[0]
    if (not isinstance(operation, OperationDefinitionNode) or operation.operation != OperationType.QUERY
            or operation.directives):
        return None
    name = operation.name.value if operation.name else None
    if operation_name is not None and operation_name != name:
        return None
    core = schema._schema  # noqa: SLF001
    gate = schema.gate
    if gate.check(core, query, document, operation_name, None):
        return None  # refused by limits or validation: the view words the errors
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode):
        return None
    root = selections[0]
    if root.directives or root.name.value not in ROOTS or root.selection_set is None:
        return None
    root_field = core.query_type.fields.get(root.name.value)
    definition = (root_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF) if root_field else None
    if definition is None or definition.extensions or definition.permission_classes:
        return None
    identifier = _id_argument(root, operation)
    object_type = root_field.type.of_type if isinstance(root_field.type, GraphQLNonNull) else root_field.type
    if identifier is None or not isinstance(object_type, GraphQLObjectType):
        return None
    leaves = []
    for selection in root.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives or selection.arguments or selection.selection_set:
            return None
        field = object_type.fields.get(selection.name.value)
        attribute = plain_attribute(field) if field is not None else None
        if attribute is None:
            return None
        named = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if named not in _BUILT_IN_SCALARS and not isinstance(named, GraphQLEnumType):
            return None
        leaves.append(Leaf((selection.alias or selection.name).value, attribute.python_name,
                           named is field.type, named.coerce_output_value))
    label, build = ROOTS[root.name.value]
    return PointRead((root.alias or root.name).value, label, build, *identifier, tuple(leaves),
                     operation_name if operation_name is not None else name)


class CompiledPointReads(CompiledRoute):
    """The GraphQL route: compiled point reads answered here, everything else by `view`."""

    setting = "compiled_point_reads"

    def plan(self, query: str, operation_name: str | None) -> PointRead | None:
        return compile_point_read(self.schema, query, operation_name)

    async def answer(self, plan: PointRead, payload: dict[str, Any], scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer the request; False when the view must (nothing was sent)."""
        node_id = plan.node_id(payload.get("variables"))
        if node_id is None:
            return False
        clock = OperationClock()
        try:
            node = (await reads.nodes_by_id(scope["app"].state.store, plan.label, [node_id]))[0]
        except MaestroError:
            return False  # the store failed (unavailable, timeout): the view reads again and words the error
        data = plan.data(node)
        if data is None:
            return False
        body = json.dumps({"data": data}, separators=(",", ":"))  # as Strawberry's view encodes it
        clock.observe(plan.operation_label, [])
        await Response(body, media_type="application/json")(scope, receive, send)
        return True
