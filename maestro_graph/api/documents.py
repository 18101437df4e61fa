"""Parse and validate each distinct query text once per process, and refuse oversized operations.

Why Strawberry's ParserCache/ValidationCache changed nothing here: ValidationCache's LRU key is
(schema, document, validation_rules), and QueryDepthLimiter and MaxAliasesLimiter, passed as
per-request factories, each build a *new* ValidationRule class in `__init__` — so the rules tuple,
hence the key, differed on every request and every lookup missed (it also hashes the whole
DocumentNode tree per lookup). Here the rules are built once per schema, and the LRU is keyed by
the query text, mapping to the parsed document and its validation errors.

Limits run before graphql-core's validation: the hop and node measures are memoised per fragment
(`limits.py`), so a fragment bomb is refused in milliseconds before any quadratic rule sees it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from threading import Lock

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules, validate
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from maestro_graph.api.limits import FragmentCycle, Shape, measure_with_inputs

MAX_TOKENS = 5000
MAX_ALIASES = 30
MAX_FIELDS = 2000  # field selections once fragments are expanded; the largest example query has ~40
CACHE_SIZE = 512


class LruCache:
    """A small thread-safe LRU; bounded so that unique query texts cannot grow memory."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_parsed = LruCache(CACHE_SIZE)


def parse_cached(query: str) -> DocumentNode | GraphQLError:
    """The document of `query`, or its syntax error (cached too: a bad text is refused cheaply)."""
    hit = _parsed.get(query)
    if hit is None:
        try:
            hit = parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError as error:
            hit = error
        _parsed.put(query, hit)
    return hit  # type: ignore[return-value]


def _inputs(variables: dict[str, object] | None, names: Iterable[str]) -> tuple[tuple[str, str, object], ...]:
    """The values of the named variables, with their types (so `1` and `true` differ), in name order."""
    values = variables or {}
    return tuple(sorted((name, type(values.get(name)).__name__, values.get(name)) for name in names))


class DocumentGate:
    """One per schema: its validation rules, built once, and its cache of validation results."""

    def __init__(self, *, introspection: bool, max_hops: int, max_nodes: int, default_first: int, max_first: int) -> None:
        extra: list[type[ASTValidationRule]] = [max_aliases_rule(MAX_ALIASES), MaybeNullValidationRule, OneOfInputValidationRule]
        if not introspection:
            extra.append(NoSchemaIntrospectionCustomRule)
        self.rules: Sequence[type[ASTValidationRule]] = (*specified_rules, *extra)
        self.max_hops = max_hops
        self.max_nodes = max_nodes
        self.default_first = default_first
        self.max_first = max_first
        self._validated = LruCache(CACHE_SIZE)
        self._shapes = LruCache(CACHE_SIZE)

    def shape(self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
              variables: dict[str, object] | None, query: str | None = None) -> Shape | None:
        """The operation's shape; None when its fragments form a cycle (validation says why).

        Given the `query` text, the shape is cached per (text, operation): the limits check and the
        rate limiter's cost both ask for it on every request. A cached shape is reused only while
        the variables it read (a `first: $n`) have the same values, typed, as when it was measured.
        """
        key = f"{operation_name or ''}\x00{query}" if query is not None else None
        if key is not None:
            hit = self._shapes.get(key)
            if hit is not None:
                shape, inputs = hit  # type: ignore[misc]
                if inputs == _inputs(variables, (name for name, _, _ in inputs)):
                    return shape  # type: ignore[no-any-return]
        try:
            shape, read = measure_with_inputs(schema, document, operation_name, variables,
                                              default_first=self.default_first, max_first=self.max_first)
        except FragmentCycle:
            return None
        if key is not None:
            self._shapes.put(key, (shape, _inputs(variables, read)))
        return shape

    def limit_errors(self, shape: Shape | None) -> list[GraphQLError]:
        if shape is None:
            return []
        if shape.fields > MAX_FIELDS:
            return [GraphQLError(f"query selects {shape.fields} fields once its fragments are expanded, "
                                 f"above the limit of {MAX_FIELDS}")]
        if shape.hops > self.max_hops:
            return [GraphQLError(f"query depth {shape.hops} hops exceeds the limit of {self.max_hops} "
                                 "(a hop is a root field, a connection or a node-valued field)")]
        if shape.nodes > self.max_nodes:
            return [GraphQLError(f"query may fetch {shape.nodes} nodes, above the limit of {self.max_nodes}: "
                                 "ask for smaller pages (`first`) at each level")]
        return []

    def validate(self, schema: GraphQLSchema, query: str, document: DocumentNode) -> list[GraphQLError]:
        hit = self._validated.get(query)
        if hit is None:
            hit = validate(schema, document, self.rules)
            self._validated.put(query, hit)
        return hit  # type: ignore[return-value]

    def check(self, schema: GraphQLSchema, query: str, document: DocumentNode, operation_name: str | None,
              variables: dict[str, object] | None) -> list[GraphQLError]:
        """Limit errors first (cheap, and a fragment bomb never reaches validation), else validation's."""
        return self.limit_errors(self.shape(schema, document, operation_name, variables, query)) or \
            self.validate(schema, query, document)
