"""Compiled nested reads: a planned document (`compiled_plan.py`) answered without the executor.

Per request the plan's arguments are read exactly as on the normal path: the gate's limits with
this request's variables (a `first: $n` changes the node count), graphql-core's own variable
and argument coercion, the argument guard's storable-string check, the resolvers' page checks.
Then the same store reads run as through Strawberry, level by level (the root field's read, then
one `*_fields` statement per connection field and level, for the distinct parent ids, a level's
calls together), and the JSON tree is built straight from the rows.

Whatever would put an error in the answer (a refused variable or argument, a bad cursor, a store
call that fails, a null where the type is non-null, a value its scalar refuses) hands the request
to the view, which answers it as before; a read-only request, so nothing is left half done.
Authentication, the anonymous-read policy, the guard's body checks, rate limit, time budget and
response cap ran before this route; the operation is timed and counted under the view's label.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from graphql import GraphQLError
from graphql.execution.values import get_argument_values, get_variable_values
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.types.arguments import convert_arguments

from maestro_graph.api.argument_guard import find_unstorable
from maestro_graph.api.compiled_fields import ROOT_LISTS, Unanswerable
from maestro_graph.api.compiled_plan import ConnectionPlan, Fetched, NestedPlan, RootPlan, compile_nested
from maestro_graph.api.compiled_route import CompiledRoute
from maestro_graph.api.metrics import OperationClock
from maestro_graph.api.types.inputs import to_where
from maestro_graph.errors import MaestroError
from maestro_graph.service import reads
from maestro_graph.service.pages import PageArgs, check_first
from maestro_graph.store.port import GraphStore

T = TypeVar("T")
log = logging.getLogger("maestro.api")


class _Handover(Exception):
    """The view must answer this request (its arguments or data need an error)."""


class NestedRead:
    """One request's run of a plan: arguments, store reads, the answer."""

    def __init__(self, schema: Any, plan: NestedPlan, store: GraphStore, settings: Any, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.plan = plan
        self.store = store
        self.settings = settings
        self.variables = variables
        self.fetched: Fetched = {}
        self.nodes: dict[tuple[str, str], dict[str, Any] | None] = {}  # (label, id) -> node, of the by-id roots

    def arguments(self, field_def: Any, node: Any) -> dict[str, Any]:
        """The field's coerced arguments (GraphQL names), as the executor would pass them."""
        try:
            values = get_argument_values(field_def, node, self.variables)
        except GraphQLError:
            raise _Handover from None
        for name, value in values.items():
            if find_unstorable(value, name):
                raise _Handover  # the argument guard's INVALID_INPUT, worded by the view
        return values

    def page_args(self, plan: ConnectionPlan) -> PageArgs:
        values = self.arguments(plan.field_def, plan.node)
        try:
            return PageArgs.parse(values.get("first"), values.get("after"),
                                  default=self.settings.default_page_size, maximum=self.settings.max_page_size)
        except MaestroError:
            raise _Handover from None

    async def root(self, plan: RootPlan) -> Any:
        """The root field's answer, with every connection below it fetched."""
        values = self.arguments(plan.field_def, plan.node)
        if not plan.is_list:
            node = self.nodes[(plan.label, values["id"])]
            await self.fetch(plan.children, [node["id"]] if node is not None else [])
            return plan.build(node, self.fetched)
        kwargs = convert_arguments(values, plan.definition.arguments, scalar_registry=self.schema.schema_converter.scalar_registry,
                                   config=self.schema.config)
        order = kwargs.get("order_by") or ROOT_LISTS[plan.node.name.value][1]()
        try:
            first = check_first(kwargs.get("first"), default=self.settings.default_page_size,
                                maximum=self.settings.max_page_size)
        except MaestroError:
            raise _Handover from None
        page = await reads.list_nodes(self.store, plan.label, to_where(kwargs.get("where")), order.field.value,
                                      order.direction.value == "DESC", first, kwargs.get("after"), count=plan.counts)
        await self.fetch(plan.children, [row["node"]["id"] for row in page.rows])
        return plan.build(page, self.fetched)

    async def fetch(self, connections: list[ConnectionPlan], ids: list[str]) -> None:
        """Each level's connection pages for the distinct parent ids, as the look-ahead reads them."""
        level = [(plan, ids) for plan in connections]
        while level:
            wanted = [(plan, parents, self.page_args(plan)) for plan, parents in level if parents]
            if not wanted:
                return
            pages = await _all([reads.related_fields(self.store, plan.statement, parents, args, plan.props)
                                for plan, parents, args in wanted])
            level = []
            for (plan, parents, _), found in zip(wanted, pages):
                self.fetched[id(plan)] = dict(zip(parents, found))
                if plan.children:
                    children = list(dict.fromkeys(row["node"]["id"] for page in found for row in page.rows))
                    level.extend((child, children) for child in plan.children)

    async def read_nodes(self) -> None:
        """The nodes of every by-id root, one store call per label (as their DataLoader batches them)."""
        wanted: dict[str, dict[str, None]] = {}
        for root in self.plan.roots:
            if not root.is_list:
                node_id = self.arguments(root.field_def, root.node).get("id")
                if not isinstance(node_id, str):
                    raise _Handover
                wanted.setdefault(root.label, {})[node_id] = None
        found = await _all([reads.nodes_by_id(self.store, label, list(ids)) for label, ids in wanted.items()])
        for (label, ids), nodes in zip(wanted.items(), found):
            self.nodes.update(((label, node_id), node) for node_id, node in zip(ids, nodes))

    async def data(self) -> dict[str, Any]:
        await self.read_nodes()
        answers = await _all([self.root(root) for root in self.plan.roots])
        return {root.response_name: answer for root, answer in zip(self.plan.roots, answers)}


async def _all(calls: list[Coroutine[Any, Any, T]]) -> list[T]:
    """Every call's result; the first failure raised once all have ended (none left running)."""
    if not calls:
        return []
    if len(calls) == 1:
        return [await calls[0]]
    results = await asyncio.gather(*calls, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


class CompiledNestedReads(CompiledRoute):
    """The GraphQL route: planned nested reads answered here, everything else by `view`."""

    setting = "compiled_nested_reads"

    def plan(self, query: str, operation_name: str | None) -> NestedPlan | None:
        return compile_nested(self.schema, query, operation_name)

    async def answer(self, plan: NestedPlan, payload: dict[str, Any], scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer the request; False when the view must (nothing was sent)."""
        clock = OperationClock()
        core = self.schema._schema  # noqa: SLF001
        given = payload.get("variables")
        if self.schema.gate.check(core, payload["query"], plan.document, payload.get("operationName"), given):
            return False  # over a limit with these variables: the view words it
        variables = get_variable_values(core, plan.operation.variable_definitions or (), given or {})
        if isinstance(variables, list):
            return False
        app = scope["app"]
        run = NestedRead(self.schema, plan, app.state.store, app.state.settings, variables)
        try:
            data = await run.data()
        except (_Handover, Unanswerable, MaestroError):
            return False
        except Exception:  # noqa: BLE001 - a fault of this path must not cost the client its answer
            log.exception("compiled nested read failed; answering through the executor")
            return False
        body = json.dumps({"data": data}, separators=(",", ":"))  # as Strawberry's view encodes it
        clock.observe(plan.operation_label, [])
        await Response(body, media_type="application/json")(scope, receive, send)
        return True
