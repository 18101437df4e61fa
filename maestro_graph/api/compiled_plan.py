"""Compiled nested reads, the plan: a document of nodes and connections, read once per query text.

Why: the nested traversal of `bench/graphql_overhead.py` is four store calls, yet answering it
through Strawberry built ~17,800 edge and node objects and ran graphql-core's executor over
~57,000 fields. A document of the shape recognised here is planned once per (text, operation):
which store reads answer it (the same statements, arguments and projected properties as the
root resolvers and the look-ahead of `prefetch.py`) and how each response key is read from the
rows those reads return and coerced by its GraphQL type. `compiled_reads.py` runs the plan.

Recognised: one query operation without directives (fragments on the selected object's own
type are expanded as graphql-core collects them); root fields `projects`,
`artifacts`, `persons` (lists) and `project`, `artifact`, `person` (by id); below them the
connection fields of `prefetch.HOPS` (`team`, `projects`, `artifacts`, `usedBy`, ...) with `first`
and `after`, and, per object, the fields of `NODE_READS` / `EDGE_READS`, a connection's
`totalCount`, `pageInfo`, `edges`, an edge's `cursor` and `node`, and `__typename`. A response
key selected twice only as the same plain leaf (graphql-core merges sub-selections; the executor
does that).
Every field in the plan has no permission classes and no field extensions. Anything else: None,
and the executor answers.

What each field reads from a row, and its coercion, is in `compiled_fields.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLError, GraphQLList, GraphQLNonNull, GraphQLObjectType,
    InlineFragmentNode, OperationDefinitionNode, OperationType, SelectionSetNode,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

from maestro_graph.api.compiled_fields import (
    EDGE_READS, NODE_READS, PAGE_ARGUMENTS, PAGE_INFO, ROOT_LISTS, ROOT_NODES, SAME, Property, Read, completer,
)
from maestro_graph.api.documents import MAX_FIELDS, parse_cached
from maestro_graph.api.prefetch import HOPS, PROPERTIES


Step = tuple[str, Callable[[Any, "Fetched"], Any]]  # response key, (source, fetched pages) -> JSON value
Fetched = dict[int, dict[str, Any]]  # connection plan id -> parent id -> Page


@dataclass
class ConnectionPlan:
    """A connection field below a node: its statement, page arguments, and what it selects."""

    node: FieldNode
    field_def: Any
    statement: str
    props: tuple[str, ...]
    build: Callable[[Any, Fetched], Any]  # Page -> the connection's JSON object
    children: list[ConnectionPlan] = field(default_factory=list)  # connections of its nodes


@dataclass
class RootPlan:
    """A root field: a list (`projects`) or a node by id (`project`)."""

    response_name: str
    node: FieldNode
    field_def: Any
    definition: Any  # the Strawberry field, for its arguments
    label: str
    is_list: bool
    counts: bool  # totalCount selected (lists only): the resolver counts only then
    build: Callable[[Any, Fetched], Any]  # KeysetPage or node dict -> JSON
    children: list[ConnectionPlan]


@dataclass
class NestedPlan:
    """A planned document: its root fields, and what the view's metrics would call the operation."""

    document: Any
    operation: OperationDefinitionNode
    roots: list[RootPlan]
    operation_label: str | None


class _Refused(Exception):
    """The document has a shape the plan does not cover."""


# the fragments of the document being planned (set by `compile_nested`, which plans synchronously)
_FRAGMENTS: ContextVar[dict[str, FragmentDefinitionNode]] = ContextVar("compiled_plan_fragments")


def _keys(selection_set: SelectionSetNode | None, type_name: str) -> list[FieldNode]:
    """The fields of a selection set on an object of `type_name`, fragments expanded as graphql-core
    collects them (first occurrence first, a fragment spread once). Refused: a directive, a fragment
    on another type, or a response key selected twice unless both are the same plain leaf."""
    if selection_set is None:
        raise _Refused
    fields: dict[str, FieldNode] = {}
    _collect(selection_set, type_name, fields, set())
    return list(fields.values())


def _collect(selection_set: SelectionSetNode, type_name: str, fields: dict[str, FieldNode], visited: set[str]) -> None:
    for selection in selection_set.selections:
        if selection.directives:
            raise _Refused
        if isinstance(selection, FieldNode):
            key = (selection.alias or selection.name).value
            seen = fields.setdefault(key, selection)
            if seen is not selection and not (seen.name.value == selection.name.value and _leaf(seen) and _leaf(selection)):
                raise _Refused  # graphql-core would merge two sub-selections: the executor does that
        elif isinstance(selection, InlineFragmentNode):
            if selection.type_condition is not None and selection.type_condition.name.value != type_name:
                raise _Refused
            _collect(selection.selection_set, type_name, fields, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in visited:
                continue
            visited.add(name)
            fragment = _FRAGMENTS.get().get(name)
            if fragment is None or fragment.directives or fragment.type_condition.name.value != type_name:
                raise _Refused
            _collect(fragment.selection_set, type_name, fields, visited)
        else:
            raise _Refused


def _leaf(node: FieldNode) -> bool:
    return not node.arguments and node.selection_set is None


def _named(declared: Any) -> Any:
    while isinstance(declared, (GraphQLNonNull, GraphQLList)):
        declared = declared.of_type
    return declared


def _plain(field_def: Any) -> None:
    """Refuse a field with permission classes or field extensions (their checks must run)."""
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or definition.extensions or definition.permission_classes:
        raise _Refused


def _field(object_type: GraphQLObjectType, node: FieldNode) -> Any:
    field_def = object_type.fields.get(node.name.value)
    if field_def is None:
        raise _Refused
    _plain(field_def)
    return field_def


def _leaf_step(key: str, read: Read, declared: Any, node: FieldNode) -> Step:
    if node.arguments or node.selection_set is not None:
        raise _Refused
    complete = completer(declared)
    same = SAME.get(declared.of_type if isinstance(declared, GraphQLNonNull) else declared)
    if same is None:
        return key, lambda source, _fetched: complete(read(source))
    if isinstance(read, Property):  # the commonest leaf: a stored string, read and answered in line
        prop, default = read.key, read.default

        def property_step(source: Any, _fetched: Fetched) -> Any:
            value = source.get(prop, default)
            return value if type(value) is same else complete(value)

        return key, property_step

    def same_step(source: Any, _fetched: Fetched) -> Any:
        value = read(source)
        return value if type(value) is same else complete(value)

    return key, same_step


def _typename(key: str, name: str) -> Step:
    return key, lambda _source, _fetched: name


def _object(steps: list[Step]) -> Callable[[Any, Fetched], dict[str, Any]]:
    def build(source: Any, fetched: Fetched) -> dict[str, Any]:
        return {key: step(source, fetched) for key, step in steps}

    return build


def _node_plan(node_type: GraphQLObjectType, selection_set: SelectionSetNode | None,
               children: list[ConnectionPlan]) -> tuple[Callable[[Any, Fetched], Any], set[str]]:
    """How a node object is built from its row's node dict, and the properties it reads."""
    reads = NODE_READS.get(node_type.name)
    if reads is None:
        raise _Refused
    steps: list[Step] = []
    props: dict[str, None] = {"id": None}
    for node in _keys(selection_set, node_type.name):
        name, key = node.name.value, (node.alias or node.name).value
        if name == "__typename":
            steps.append(_typename(key, node_type.name))
            continue
        field_def = _field(node_type, node)
        hop = HOPS.get((node_type.name, name))
        if hop is not None:
            plan = _connection(field_def, node, hop.statement, hop.child)
            children.append(plan)
            steps.append(_connection_step(key, plan))
            continue
        read = reads.get(name)
        if read is None or name not in PROPERTIES[node_type.name]:
            raise _Refused
        props.update(dict.fromkeys(PROPERTIES[node_type.name][name]))
        steps.append(_leaf_step(key, read, field_def.type, node))
    return _object(steps), set(props)


def _connection_step(key: str, plan: ConnectionPlan) -> Step:
    plan_id, build = id(plan), plan.build

    def step(node: dict[str, Any], fetched: Fetched) -> Any:
        return build(fetched[plan_id][node["id"]], fetched)

    return key, step


def _connection_body(connection_type: GraphQLObjectType, selection_set: SelectionSetNode | None,
                     children: list[ConnectionPlan]) -> tuple[Callable[[Any, Fetched], Any], tuple[str, ...], bool]:
    """(Page -> JSON, node properties read, totalCount selected) of a connection's selection."""
    steps: list[Step] = []
    props: tuple[str, ...] = ("id",)
    counts = False
    for node in _keys(selection_set, connection_type.name):
        name, key = node.name.value, (node.alias or node.name).value
        if name == "__typename":
            steps.append(_typename(key, connection_type.name))
            continue
        field_def = _field(connection_type, node)
        if node.arguments:
            raise _Refused
        if name == "totalCount":
            counts = True
            complete = completer(field_def.type)
            steps.append((key, lambda page, _f, complete=complete: complete(page.total)))
        elif name == "pageInfo":
            steps.append(_page_info(key, _named(field_def.type), node))
        elif name == "edges":
            edge_type = _named(field_def.type)
            build_edges, props = _edge_plan(edge_type, node.selection_set, children)
            steps.append((key, build_edges))
        else:
            raise _Refused
    return _object(steps), props, counts


def _page_info(key: str, page_info_type: GraphQLObjectType, node: FieldNode) -> Step:
    steps: list[Step] = []
    for sub in _keys(node.selection_set, page_info_type.name):
        name, sub_key = sub.name.value, (sub.alias or sub.name).value
        if name == "__typename":
            steps.append(_typename(sub_key, page_info_type.name))
            continue
        read = PAGE_INFO.get(name)
        if read is None:
            raise _Refused
        steps.append(_leaf_step(sub_key, read, _field(page_info_type, sub).type, sub))
    build = _object(steps)
    return key, build


def _edge_plan(edge_type: GraphQLObjectType, selection_set: SelectionSetNode | None,
               children: list[ConnectionPlan]) -> tuple[Callable[[Any, Fetched], Any], tuple[str, ...]]:
    """(page -> the edges' JSON list, node properties read). An edge's steps take (page, index, row)."""
    reads = EDGE_READS.get(edge_type.name)
    if reads is None:
        raise _Refused
    steps: list[Step] = []
    props: set[str] = {"id"}
    node_only: tuple[str, Callable[[Any, Fetched], Any]] | None = None  # (key, build) of `node`
    for node in _keys(selection_set, edge_type.name):
        name, key = node.name.value, (node.alias or node.name).value
        if name == "__typename":
            steps.append(_typename(key, edge_type.name))
            continue
        field_def = _field(edge_type, node)
        if name == "cursor":
            complete = completer(field_def.type)
            if node.arguments or node.selection_set is not None:
                raise _Refused
            steps.append((key, lambda item, _f, complete=complete: complete(item[0].cursor(item[1]))))
        elif name == "node":
            if node.arguments:
                raise _Refused
            build_node, props = _node_plan(_named(field_def.type), node.selection_set, children)
            node_only = (key, build_node)
            steps.append((key, lambda item, fetched, build_node=build_node: build_node(item[2]["node"], fetched)))
        elif name in reads:
            read = reads[name]
            steps.append(_leaf_step(key, lambda item, read=read: read(item[2]), field_def.type, node))
        else:
            raise _Refused
    build_edge = _object(steps)
    if len(steps) == 1 and node_only is not None:  # `edges { node { ... } }`, the commonest shape: no tuple per edge
        node_key, build_node = node_only

        def node_edges(page: Any, fetched: Fetched) -> list[Any]:
            return [{node_key: build_node(row["node"], fetched)} for row in page.rows]

        return node_edges, ("id", *sorted(props - {"id"}))

    def edges(page: Any, fetched: Fetched) -> list[Any]:
        return [build_edge((page, i, row), fetched) for i, row in enumerate(page.rows)]

    # the node properties: id first, then sorted (a stable statement parameter)
    return edges, ("id", *sorted(props - {"id"}))


def _connection(field_def: Any, node: FieldNode, statement: str, child: str) -> ConnectionPlan:
    if not {a.name.value for a in node.arguments or ()} <= PAGE_ARGUMENTS or not set(field_def.args) <= PAGE_ARGUMENTS:
        raise _Refused
    connection_type = _named(field_def.type)
    plan = ConnectionPlan(node, field_def, statement, ("id",), lambda page, fetched: None)
    plan.build, plan.props, _ = _connection_body(connection_type, node.selection_set, plan.children)
    return plan


def _root(core: Any, node: FieldNode) -> RootPlan:
    name = node.name.value
    field_def = core.query_type.fields.get(name)
    if field_def is None or (name not in ROOT_LISTS and name not in ROOT_NODES):
        raise _Refused
    _plain(field_def)
    definition = field_def.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
    key = (node.alias or node.name).value
    children: list[ConnectionPlan] = []
    if name in ROOT_LISTS:
        build, _, counts = _connection_body(_named(field_def.type), node.selection_set, children)
        return RootPlan(key, node, field_def, definition, ROOT_LISTS[name][0], True, counts, build, children)
    build_node, _ = _node_plan(_named(field_def.type), node.selection_set, children)
    return RootPlan(key, node, field_def, definition, ROOT_NODES[name], False, False,
                    lambda found, fetched: None if found is None else build_node(found, fetched), children)


def compile_nested(schema: Any, query: str, operation_name: str | None) -> NestedPlan | None:
    """The plan of `query`, or None when the executor must answer it (any shape not covered above,
    or a document validation refuses: the view words those errors)."""
    document = parse_cached(query)
    if isinstance(document, GraphQLError):
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if len(operations) != 1 or len(operations) + len(fragments) != len(document.definitions):
        return None
    operation = operations[0]
    if (operation.operation != OperationType.QUERY or operation.directives
            or any(d.directives for d in operation.variable_definitions or ())):
        return None
    name = operation.name.value if operation.name else None
    if operation_name is not None and operation_name != name:
        return None
    core = schema._schema  # noqa: SLF001
    # the limits first, as the gate orders them: a fragment bomb must reach neither graphql-core's
    # quadratic validation nor the expansion below (the expanded field count does not depend on variables)
    shape = schema.gate.shape(core, document, operation_name, None)
    if shape is None or shape.fields > MAX_FIELDS or schema.gate.validate(core, query, document):
        return None
    planning = _FRAGMENTS.set(fragments)
    try:
        roots = [_root(core, node) for node in _keys(operation.selection_set, core.query_type.name)]
    except _Refused:
        return None
    finally:
        _FRAGMENTS.reset(planning)
    return NestedPlan(document, operation, roots, operation_name if operation_name is not None else name)
