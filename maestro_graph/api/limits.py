"""How big a GraphQL operation is, measured before it runs: hops and requested nodes.

Both measures walk the document once and memoise every fragment, so a "fragment bomb" (each
fragment spreading the next one twice, 40 levels) costs 40 fragment visits, not 2**40 — the walk
that Strawberry's QueryDepthLimiter does without memo never returns on it.

- **Hops** count the fields a client travels through: root fields, connections, and fields that
  return a node (a type with an `id`) other than an edge's `node`. The Relay plumbing (`edges`,
  `node`, `pageInfo`) and value objects (`outcome`) are not hops. The documented limit, four, allows
  project → team → their projects → artifacts.
- **Fields** count the field selections once fragments are expanded (aliases each count): the
  fragment bomb has 2**40 of them, which graphql-core's validation and execution would expand.
- **Nodes** are counted as GitHub's GraphQL API counts them: a connection asks for `first` nodes
  (the default page size when absent) times the product of the `first` of every connection above
  it; a query's total is the sum over its connections, plus one per root field.

Nodes are linear in the multiplier, so a fragment's measures are memoised once for multiplier 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode, FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLCompositeType,
    GraphQLField, GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema, InlineFragmentNode,
    IntValueNode, OperationDefinitionNode, SelectionSetNode, VariableNode, get_named_type,
)

RELAY_PLUMBING = frozenset({"edges", "node", "pageInfo"})


@dataclass(frozen=True)
class Shape:
    """What an operation asks for: its deepest path in hops and the nodes it may fetch."""

    hops: int
    nodes: int
    fields: int = 0

    @property
    def cost(self) -> float:
        """Rate-limit points: one per request plus one per hundred requested nodes (GitHub's idea)."""
        return 1.0 + self.nodes / 100.0


class FragmentCycle(Exception):
    """A fragment spreads itself: validation refuses the document, the walk must not loop."""


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any],
                 default_first: int, max_first: int) -> None:
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.variables = variables
        self.default_first = default_first
        self.max_first = max_first
        self.memo: dict[str, tuple[int, int, int]] = {}
        self.visiting: set[str] = set()
        self.read_variables: set[str] = set()  # the shape depends on the document and these values only

    def first(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            raw: Any = None
            if isinstance(value, IntValueNode):
                raw = int(value.value)
            elif isinstance(value, VariableNode):
                self.read_variables.add(value.name.value)
                raw = self.variables.get(value.name.value)
            if isinstance(raw, int) and not isinstance(raw, bool):
                return max(0, min(raw, self.max_first))
            return self.default_first
        return self.default_first

    def fragment(self, name: str) -> tuple[int, int, int]:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None:
            return (0, 0, 0)
        if name in self.visiting:
            raise FragmentCycle(name)
        self.visiting.add(name)
        parent = self.schema.get_type(definition.type_condition.name.value)
        result = self.selections(definition.selection_set, parent if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) else None, False)
        self.visiting.discard(name)
        self.memo[name] = result
        return result

    def selections(self, selection_set: SelectionSetNode | None, parent: GraphQLCompositeType | None,
                   in_edge: bool) -> tuple[int, int, int]:
        """(hops, nodes, fields) of a selection set, for one parent object."""
        if selection_set is None:
            return (0, 0, 0)
        hops = nodes = fields = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                h, n, f = self.field(selection, parent, in_edge)
            elif isinstance(selection, FragmentSpreadNode):
                h, n, f = self.fragment(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                condition = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                h, n, f = self.selections(selection.selection_set, condition if isinstance(condition, (GraphQLObjectType, GraphQLInterfaceType)) else parent, in_edge)
            else:
                continue
            hops, nodes, fields = max(hops, h), nodes + n, fields + f
        return hops, nodes, fields

    def field(self, node: FieldNode, parent: GraphQLCompositeType | None, in_edge: bool) -> tuple[int, int, int]:
        name = node.name.value
        definition: GraphQLField | None = None
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            definition = parent.fields.get(name)
        child = get_named_type(definition.type) if definition is not None else None
        child_object = child if isinstance(child, (GraphQLObjectType, GraphQLInterfaceType)) else None
        if node.selection_set is None:
            return (0, 0, 1)
        connection = child_object is not None and "edges" in child_object.fields and "pageInfo" in child_object.fields
        is_edge = child_object is not None and "node" in child_object.fields and "cursor" in child_object.fields
        plumbing = name in RELAY_PLUMBING and (is_edge or in_edge or name == "pageInfo")
        node_valued = child_object is not None and "id" in child_object.fields and not (name == "node" and in_edge)
        root = parent is self.schema.query_type or parent is self.schema.mutation_type
        hop = 1 if (root or connection or (node_valued and not plumbing)) else 0
        h, n, f = self.selections(node.selection_set, child_object, is_edge)
        if connection:
            size = self.first(node)
            return h + hop, size + size * n, f + 1
        return h + hop, n + (1 if root else 0), f + 1


def measure(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
            variables: Mapping[str, Any] | None, *, default_first: int, max_first: int) -> Shape:
    """The shape of the operation that will run (the named one, or the only one)."""
    return measure_with_inputs(schema, document, operation_name, variables, default_first=default_first,
                               max_first=max_first)[0]


def measure_with_inputs(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
                        variables: Mapping[str, Any] | None, *, default_first: int,
                        max_first: int) -> tuple[Shape, frozenset[str]]:
    """The shape, and the names of the variables whose values it depends on (a `first: $n`)."""
    walk = _Walk(schema, document, variables or {}, default_first, max_first)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    hops = nodes = fields = 0
    for operation in operations:
        root = {"query": schema.query_type, "mutation": schema.mutation_type,
                "subscription": schema.subscription_type}[operation.operation.value]
        h, n, f = walk.selections(operation.selection_set, root, False)
        hops, nodes, fields = max(hops, h), max(nodes, n), max(fields, f)
    return Shape(hops=hops, nodes=nodes, fields=fields), frozenset(walk.read_variables)
