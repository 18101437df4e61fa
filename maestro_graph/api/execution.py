"""A graphql-core executor that completes plain fields without the per-field machinery.

Why: the nested traversal of `bench/graphql_overhead.py` (20 projects) answers 56,664 fields, and
all but about 9,600 of them are plain attributes (`id`, `name`, an edge's `node`) of objects our
resolvers already built. For each one graphql-core builds a resolve info, runs the middleware
chain (our `RequestPolicy.resolve`), Strawberry's resolver wrapper and three or four nested
`complete_value` calls: that machinery, not our resolvers, was most of the execution time.

A field is *plain* when the answer is, by construction, `default_resolver(source, python_name)`
completed the usual way: a Strawberry field without resolver, field extensions or permission
classes, without arguments, with no directive on its nodes, below the root (so a mutation field
always takes the normal path), whose type is a built-in scalar, an enum or an object type without
`is_type_of` (optionally non-null). For a plain leaf the executor reads the attribute and calls the
type's own `coerce_output_value`, exactly as graphql-core's `complete_leaf_value` would; for a
plain object it executes the sub-selection directly. A list of objects returned by any resolver
has its items completed the same direct way. Anything unusual (a null where the type is non-null,
a value the scalar refuses, an awaitable, a null list item) falls back to graphql-core's own code
for that one field or item, so errors, their paths and their order are graphql-core's.

A field with a resolver but no arguments (a connection's `edges`, a `cursor`, an `...Iso` twin),
below the root and without extensions, has its resolver called directly, as Strawberry's wrapper
would call it (source as `self`/`root`/`Parent`, `Info` where asked); its value is then completed
by graphql-core as usual. Custom scalars (EpochMillis, JSON) and every field with arguments take
the normal path, so the middleware still sees every argument and every mutation field.

The plans (which response key is plain, and how) are computed once per selection set and
executor: graphql-core already memoises the grouped field set of a selection per parent type, so a
list of 10,000 items looks its plan up 10,000 times and builds it once.

The fast path is taken only when every middleware declares it ignores argument-less fields below
the root (`ignores_plain_fields = True`, see `api/extension.py`) and the schema has no
`@defer`/`@stream`; otherwise this class behaves exactly like Strawberry's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from inspect import isasyncgenfunction
from typing import Any, NamedTuple

from graphql import (
    GraphQLEnumType, GraphQLField, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType,
    GraphQLResolveInfo,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, gather_with_cancel
from graphql.type.scalars import specified_scalar_types
from strawberry import ID
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

NORMAL, LEAF, OBJECT, CALL = 0, 1, 2, 3
_BUILT_IN_SCALARS = frozenset(specified_scalar_types.values())


class Step(NamedTuple):
    """How one response key of a selection set is completed."""

    kind: int  # NORMAL: graphql-core's execute_field; LEAF / OBJECT / CALL: the fast path
    response_name: str
    details: FieldDetailsList
    get: Callable[[Any, str], Any] | None = None  # the field's default resolver (getattr)
    attribute: str = ""
    nullable: bool = True
    return_type: GraphQLOutputType | None = None  # as declared (maybe non-null)
    named_type: Any = None  # the leaf or object type inside the non-null
    coerce: Callable[[Any], Any] | None = None
    field: GraphQLField | None = None  # CALL: the field, for its resolve info
    call: Callable[..., Any] | None = None  # CALL: the resolver, called directly (see direct_call)


def direct_call(field: GraphQLField, info_class: type, name_converter: Any) -> Callable[..., Any] | None:
    """The resolver of a Strawberry field, called as Strawberry's wrapper would call it, or None.

    Strawberry's wrapper (`schema_converter.from_resolver`) converts the arguments, renames them to
    their Python names and passes the source as `self`, `root` or a `Parent` parameter and the
    `Info` where asked. Only fields without extensions (permission classes are one) whose arguments
    are all built-in scalars qualify: Strawberry's conversion of those returns the value as given,
    so only the renaming is left. The caller checks that the schema has no exception handlers.
    The returned function takes `(source, info, **arguments by GraphQL name)`, like a resolver.
    """
    if getattr(field.resolve, "__name__", "") not in ("_resolver", "_async_resolver"):
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or definition.extensions:
        return None
    resolver = definition.base_resolver
    if resolver is None or isasyncgenfunction(resolver._unbound_wrapped_func):  # noqa: SLF001
        return None
    arguments = definition.arguments
    if len(arguments) != len(field.args) or not all(_built_in(a.type) for a in arguments):
        return None
    names = {name_converter.from_argument(a): a.python_name for a in arguments}
    takes_self = resolver.self_parameter is not None
    given = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None]
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None

    def call(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        kwargs = {names[name]: value for name, value in arguments.items()}
        for name in given:
            kwargs[name] = source
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=definition)
        return resolver(source, **kwargs) if takes_self else resolver(**kwargs)

    return call


_PYTHON_SCALARS = (int, str, float, bool, ID)
# Types whose values are never awaitable: JSON-like values, and Strawberry object types without
# `__await__` (learnt as they come). Checked in line before the executor's `is_awaitable`, whose
# general test (two isinstance calls and a hasattr) ran ~300,000 times in a nested read.
SYNC_TYPES: set[type] = {type(None), bool, int, float, str, list, tuple, dict}


def sync_first(is_awaitable: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """`is_awaitable`, answered without calling it for the types of `SYNC_TYPES`."""

    def awaitable(value: Any) -> bool:
        kind = type(value)
        if kind in SYNC_TYPES:
            return False
        if hasattr(kind, "__strawberry_definition__") and not hasattr(kind, "__await__"):
            SYNC_TYPES.add(kind)
            return False
        return is_awaitable(value)

    return awaitable


def _built_in(annotation: Any) -> bool:
    """A built-in scalar, or an optional one (not `Maybe`: Strawberry wraps those in `Some`)."""
    if type(annotation) is StrawberryOptional:
        annotation = annotation.of_type
    return any(annotation is scalar for scalar in _PYTHON_SCALARS)


def plain_attribute(field: GraphQLField) -> StrawberryField | None:
    """The Strawberry field when `field` only reads an attribute of its source, else None.

    Strawberry marks its attribute resolver `_get_basic_result` (`_is_default`); it is used only for
    fields without resolver, extensions (permission classes are one) and exception handlers.
    """
    resolve = field.resolve
    if resolve is None or field.args or not getattr(resolve, "_is_default", False):
        return None
    if getattr(resolve, "__name__", "") != "_get_basic_result":
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    return definition


def plain_step(field: GraphQLField, response_name: str, details: FieldDetailsList,
               info_class: type | None, name_converter: Any) -> Step:
    """The fast step for one response key, or NORMAL when anything about it is not plain.

    `info_class`: Strawberry's Info class when resolvers may be called directly (None when the
    schema has exception handlers, which wrap resolvers).
    """
    if any(d.node.directives for d in details):
        return Step(NORMAL, response_name, details)
    definition = plain_attribute(field) if not any(d.node.arguments for d in details) else None
    if definition is None:
        call = direct_call(field, info_class, name_converter) if info_class is not None else None
        if call is None:
            return Step(NORMAL, response_name, details)
        named = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        direct = named if (isinstance(named, GraphQLList)
                           or (isinstance(named, GraphQLObjectType) and named.is_type_of is None)) else None
        return Step(CALL, response_name, details, return_type=field.type, named_type=direct, field=field, call=call)
    declared = field.type
    named = declared.of_type if isinstance(declared, GraphQLNonNull) else declared
    if named in _BUILT_IN_SCALARS or isinstance(named, GraphQLEnumType):
        return Step(LEAF, response_name, details, definition.default_resolver, definition.python_name,
                    declared is named, declared, named, named.coerce_output_value)
    if isinstance(named, GraphQLObjectType) and named.is_type_of is None:
        return Step(OBJECT, response_name, details, definition.default_resolver, definition.python_name,
                    declared is named, declared, named)
    return Step(NORMAL, response_name, details)


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with the fast path for plain fields (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager
        self.fast = (
            self.schema.get_directive("defer") is None and self.schema.get_directive("stream") is None
            and (middleware is None
                 or all(getattr(m, "ignores_plain_fields", False) for m in middleware.middlewares))
        )
        self.is_awaitable = sync_first(self.is_awaitable)  # type: ignore[method-assign]
        self.plans: dict[tuple[int, int], tuple[GroupedFieldSet, list[Step]]] = {}
        # per plain object step (kept alive by `plans`): the plan of its sub-selection, None with @defer
        self.object_plans: dict[int, list[Step] | None] = {}
        # per field node: its coerced arguments (the variables do not change during a request)
        self.arguments: dict[tuple[int, int], dict[str, Any]] = {}
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        self.info_class = (strawberry_schema.config.info_class
                           if strawberry_schema is not None and not strawberry_schema.exception_handlers else None)
        self.name_converter = strawberry_schema.config.name_converter if strawberry_schema is not None else None

    def plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> list[Step]:
        key = (id(parent_type), id(grouped_field_set))
        cached = self.plans.get(key)
        if cached is not None:
            return cached[1]
        steps = []
        for response_name, details in grouped_field_set.items():
            field = self.schema.get_field(parent_type, details[0].node.name.value)
            steps.append(Step(NORMAL, response_name, details) if field is None
                         else plain_step(field, response_name, details, self.info_class, self.name_converter))
        # the grouped field set is kept alive with its plan, so that its id is never reused
        self.plans[key] = (grouped_field_set, steps)
        return steps

    def execute_fields(
        self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None,
        grouped_field_set: GroupedFieldSet, position_context: Any,
    ) -> Any:
        """graphql-core's `execute_fields`, with plain steps completed in line."""
        if not self.fast or path is None or position_context is not None:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        return self.run_plan(parent_type, source_value, path, self.plan(parent_type, grouped_field_set))

    def run_plan(self, parent_type: GraphQLObjectType, source: Any, path: Path, plan: list[Step]) -> Any:
        """The loop of graphql-core's `execute_fields`, with plain leaves answered in line.

        The hot path of a big answer: a plain leaf costs an attribute read and the scalar's
        coercion; anything that would need an error goes to `execute_step`, which hands it to
        graphql-core at the same point of the loop, so errors come in the same order.
        """
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        sync_types = SYNC_TYPES
        awaitable_fields: list[str] = []
        try:
            for step in plan:
                kind, name, _details, get, attribute, nullable, _declared, _named, coerce, _field, _call = step
                if kind == LEAF:
                    value = get(source, attribute)  # type: ignore[misc]
                    if value is None:
                        if nullable:
                            results[name] = None
                            continue
                    else:
                        try:
                            coerced = coerce(value)  # type: ignore[misc]
                        except Exception:
                            coerced = None
                        if coerced is not None and coerced is not Undefined:
                            results[name] = coerced
                            continue
                elif kind == OBJECT:  # as `execute_step` would, one call less per object
                    value = get(source, attribute)  # type: ignore[misc]
                    if value is not None and (type(value) in sync_types or not is_awaitable(value)):
                        result = self.complete_plain_object(step, value, Path(path, name, parent_type.name))
                        results[name] = result
                        if type(result) not in sync_types and is_awaitable(result):
                            awaitable_fields.append(name)
                        continue
                result = self.execute_step(step, parent_type, source, path)
                if result is not Undefined:
                    results[name] = result
                    if type(result) not in sync_types and is_awaitable(result):
                        awaitable_fields.append(name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self.gather_fields(results, awaitable_fields)

    def execute_step(self, step: Step, parent_type: GraphQLObjectType, source: Any, path: Path) -> Any:
        """A plain object field in line; anything else (or a plain leaf that needs an error) as graphql-core does."""
        if step.kind == OBJECT:
            value = step.get(source, step.attribute)  # type: ignore[misc]
            if value is None:
                if step.nullable:
                    return None
            elif not self.is_awaitable(value):
                return self.complete_plain_object(step, value, Path(path, step.response_name, parent_type.name))
        elif step.kind == CALL:
            return self.call_resolver(step, parent_type, source, Path(path, step.response_name, parent_type.name))
        # NORMAL, or a value only graphql-core's own code knows how to answer (and word the error of)
        return self.execute_field(parent_type, source, step.details, Path(path, step.response_name, parent_type.name),
                                  None)

    def call_resolver(self, step: Step, parent_type: GraphQLObjectType, source: Any, field_path: Path) -> Any:
        """graphql-core's `execute_field` without the middleware and Strawberry's argument wrapper."""
        return_type, details = step.return_type, step.details
        info = self.build_resolve_info(step.field, [d.node for d in details], parent_type, field_path)  # type: ignore[arg-type]
        try:
            first = details[0]
            if step.field.args or first.node.arguments:  # type: ignore[union-attr]
                # with arguments: coerced by graphql-core and seen by the middleware, as before
                arguments = self.argument_values(step.field, first)  # type: ignore[arg-type]
                middleware = self.middleware_manager
                resolve = middleware.get_field_resolver(step.call) if middleware else step.call  # type: ignore[arg-type]
                result = resolve(source, info, **arguments)
            else:
                result = step.call(source, info)  # type: ignore[misc]
            if self.is_awaitable(result):
                return self.complete_awaitable_value(return_type, details, info, field_path, result, None)  # type: ignore[arg-type]
            completed = self.complete_called(step, info, field_path, result)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, field_path)  # type: ignore[arg-type]
            return None
        if self.is_awaitable(completed):
            return self.await_field(completed, return_type, details, field_path)  # type: ignore[arg-type]
        return completed

    def complete_called(self, step: Step, info: GraphQLResolveInfo, path: Path, result: Any) -> Any:
        """graphql-core's `complete_value` of a resolver's value, minus its dispatch for the two common
        cases: an object (of a type without `is_type_of`) runs its cached sub-plan, a list goes
        straight to `complete_list_value`. A null or an exception take graphql-core's own path."""
        named = step.named_type
        if named is not None and result is not None and not isinstance(result, Exception):
            if isinstance(named, GraphQLList):
                return self.complete_list_value(named, step.details, info, path, result, None)
            plan = self.object_plan(step)
            if plan is not None:
                return self.run_plan(named, result, path, plan)
        return self.complete_value(step.return_type, step.details, info, path, result, None)  # type: ignore[arg-type]

    def object_plan(self, step: Step) -> list[Step] | None:
        """The plan of a plain object step's sub-selection, built once per request (None: @defer below).

        graphql-core memoises `collect_subfields` too, but looking it up (and the plan) for every one of
        thousands of objects was a tenth of a nested read's execution.
        """
        key = id(step)
        if key in self.object_plans:
            return self.object_plans[key]
        grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(step.named_type, step.details)
        plan = None if new_defer_usages else self.plan(step.named_type, grouped_field_set)
        self.object_plans[key] = plan
        return plan

    def argument_values(self, field: GraphQLField, first: Any) -> dict[str, Any]:
        """graphql-core's `get_argument_values`, once per field node and request (a connection under a
        list of 100 parents asks 100 times with the same node and variables). Not cached: fragment
        variables (per spread) and errors (raised each time, at each path, as before)."""
        if first.fragment_variable_values is not None:
            return get_argument_values(field, first.node, self.variable_values, first.fragment_variable_values,
                                       self.hide_suggestions)
        key = (id(first.node), id(field))
        arguments = self.arguments.get(key)
        if arguments is None:
            arguments = self.arguments[key] = get_argument_values(field, first.node, self.variable_values, None,
                                                                  self.hide_suggestions)
        return arguments

    def complete_plain_object(self, step: Step, value: Any, field_path: Path) -> Any:
        """`execute_field` of a plain object field: its sub-selection, errors handled alike."""
        try:
            plan = self.object_plan(step)
            completed = (self.run_plan(step.named_type, value, field_path, plan) if plan is not None
                         else self.sub_fields(step.named_type, step.details, value, field_path))
        except Exception as raw_error:
            self.handle_field_error(raw_error, step.return_type, step.details, field_path)  # type: ignore[arg-type]
            return None
        if self.is_awaitable(completed):
            return self.await_field(completed, step.return_type, step.details, field_path)  # type: ignore[arg-type]
        return completed

    def sub_fields(self, object_type: GraphQLObjectType, details: FieldDetailsList, value: Any, path: Path) -> Any:
        grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(object_type, details)
        if new_defer_usages:  # not reachable without @defer in the schema; kept exact anyway
            return self.execute_collected_subfields(object_type, value, path, grouped_field_set, new_defer_usages,
                                                    None)
        return self.execute_fields(object_type, value, path, grouped_field_set, None)

    async def await_field(self, completed: Any, return_type: GraphQLOutputType, details: FieldDetailsList,
                          path: Path) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, path)
            return None

    @staticmethod
    async def gather_fields(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
        if len(awaitable_fields) == 1:
            name = awaitable_fields[0]
            results[name] = await results[name]
        else:
            awaited = await gather_with_cancel(*(results[name] for name in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
        return results

    def complete_list_value(
        self, return_type: GraphQLList[GraphQLOutputType], field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo, path: Path, result: Any, position_context: Any,
    ) -> Any:
        """A list (or tuple) of objects: each item's sub-selection executed directly."""
        item_type = return_type.of_type
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if (not self.fast or position_context is not None or not isinstance(result, (list, tuple))
                or not isinstance(object_type, GraphQLObjectType) or object_type.is_type_of is not None):
            return super().complete_list_value(return_type, field_details_list, info, path, result, position_context)
        return self.complete_object_items(item_type, object_type, field_details_list, info, path, result)

    def complete_object_items(
        self, item_type: GraphQLOutputType, object_type: GraphQLObjectType, details: FieldDetailsList,
        info: GraphQLResolveInfo, path: Path, items: Iterable[Any],
    ) -> Any:
        grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(object_type, details)
        plan = None if new_defer_usages else self.plan(object_type, grouped_field_set)
        is_awaitable = self.is_awaitable
        sync_types = SYNC_TYPES
        run_plan = self.run_plan
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, item in enumerate(items):
                item_path = path.add_key(index, None)
                if item is None or (type(item) not in sync_types and is_awaitable(item)):
                    # graphql-core's own item completion: awaiting, or the non-null error
                    if is_awaitable(item):
                        completed.append(self.complete_awaitable_list_item_value(item, item_type, details, info,
                                                                                 item_path, None))
                        awaitable_indices.append(index)
                    elif self.complete_list_item_value(item, completed, item_type, details, info, item_path, None):
                        awaitable_indices.append(index)
                    continue
                try:
                    value = (run_plan(object_type, item, item_path, plan) if plan is not None
                             else self.sub_fields(object_type, details, item, item_path))
                except Exception as raw_error:
                    self.handle_field_error(raw_error, item_type, details, item_path)
                    value = None
                else:
                    if type(value) not in sync_types and is_awaitable(value):
                        value = self.await_field(value, item_type, details, item_path)
                        awaitable_indices.append(index)
                completed.append(value)
        except Exception:
            pending = [completed[i] for i in awaitable_indices]
            if pending:
                self.settle_in_background(pending)
            raise
        if not awaitable_indices:
            return completed
        return self.gather_items(completed, awaitable_indices)

    @staticmethod
    async def gather_items(completed: list[Any], awaitable_indices: list[int]) -> list[Any]:
        if len(awaitable_indices) == 1:
            index = awaitable_indices[0]
            completed[index] = await completed[index]
        else:
            awaited = await gather_with_cancel(*(completed[i] for i in awaitable_indices))
            for index, value in zip(awaitable_indices, awaited, strict=True):
                completed[index] = value
        return completed
