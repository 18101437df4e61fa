"""The one schema extension every operation runs through: the request policy, hook by hook.

Why one extension and not one per concern: Strawberry builds, for every request and every
lifecycle step, a context manager per extension that has a hook there, and graphql-core wraps
every field resolution (scalars included) in every extension that has `resolve`. Six small
extensions cost about as much CPU as executing a point read itself; one extension with one hook
per step keeps each concern a plain function in its own module:

- parse and validate through the gate's per-text caches, limits first (`documents.py`);
- a mutation operation needs the editor role (`auth.write_refusal`);
- string arguments must be storable (`argument_guard.py`), checked only for fields that have
  arguments, and loaders are cleared after each top-level mutation field (`fresh_loaders.py`);
- errors that are ours are masked as INTERNAL, then the operation is timed and its error codes
  counted (`metrics.py`), in that order, so metrics count what the client saw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLResolveInfo, OperationType
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult as StrawberryExecutionResult
from strawberry.types.graphql import OperationType as StrawberryOperationType

from maestro_graph.api.argument_guard import refuse_unstorable
from maestro_graph.api.auth import write_refusal
from maestro_graph.api.documents import DocumentGate, parse_cached
from maestro_graph.api.fresh_loaders import clear_after
from maestro_graph.api.metrics import OperationClock

INTERNAL_MESSAGE = "internal error"


def mask(error: GraphQLError) -> GraphQLError:
    """The error as a client may see it: our message, the INTERNAL code, nothing of the cause."""
    return GraphQLError(INTERNAL_MESSAGE, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None, extensions={"code": "INTERNAL"})


def release_loaders(context: Any) -> None:
    """Drop the request's loaded pages once the operation is answered.

    Why: the request's objects form reference cycles (context, loaders, their DataLoader closures,
    the extension and the execution context), so whatever the loaders hold (every prefetched row:
    ~28,000 dicts in the nested read of `bench/graphql_overhead.py`) was freed only by a later
    garbage collection, after being promoted and traversed by the collections in between.
    Cleared here, the rows go as soon as the answer is built.
    """
    loaders = getattr(context, "loaders", None)
    if loaders is not None:
        loaders.clear()


class RequestPolicy(SchemaExtension):
    """Built per request by the schema (`RequestPolicy.factory(gate, should_mask)`)."""

    # `resolve` acts only on fields with arguments and on top-level fields (mutations), so the
    # executor may answer argument-less fields below the root without calling it (api/execution.py)
    ignores_plain_fields = True

    def __init__(self, gate: DocumentGate, should_mask: Callable[[GraphQLError], bool]) -> None:
        self.gate = gate
        self.should_mask = should_mask

    @classmethod
    def factory(cls, gate: DocumentGate, should_mask: Callable[[GraphQLError], bool]) -> Callable[[], RequestPolicy]:
        return lambda: cls(gate, should_mask)

    def on_operation(self) -> Iterator[None]:
        clock = OperationClock()
        yield
        context = self.execution_context
        release_loaders(context.context)
        result = context.result
        if isinstance(result, (GraphQLExecutionResult, StrawberryExecutionResult)) and result.errors:
            result.errors = [mask(e) if self.should_mask(e) else e for e in result.errors]
        clock.record(context)
        # graphql-core's execution context is a reference cycle that holds this extension (its
        # middleware): without this, the whole answer stayed reachable from it until a collection
        self.execution_context = None  # type: ignore[assignment]

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            parsed = parse_cached(context.query)
            if isinstance(parsed, GraphQLError):
                raise parsed  # Strawberry turns it into the usual syntax error result
            context.graphql_document = parsed
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.query is not None:
            context.pre_execution_errors = self.gate.check(context.schema._schema, context.query, document,
                                                           context.operation_name, context.variables)
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        # Strawberry's own enum here (graphql-core's never compares equal to it, which left this
        # backstop dead); `resolve` below sees graphql-core's operation node.
        if context.operation_type == StrawberryOperationType.MUTATION:
            refusal = write_refusal(getattr(context.context, "principal", None))
            if refusal is not None:
                context.result = GraphQLExecutionResult(data=None, errors=[refusal])
        yield

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        top_level_mutation = info.path.prev is None and info.operation.operation == OperationType.MUTATION
        if kwargs:  # most fields (every scalar) have none: nothing to check
            refused = refuse_unstorable(kwargs, info, top_level_mutation)
            if refused is not None:
                return refused
        result = _next(root, info, *args, **kwargs)
        return clear_after(result, info) if top_level_mutation else result
