"""Compile a `where` tree, an order and a keyset start into fragments of a template statement.

The list statements (`cypher/projects_page.cypher` and friends) hold `/*SLOT*/` placeholders.
This module is the only code that fills them, and it builds every fragment from fixed pieces:

- property names from the label's whitelist (`Entity.fields`), or the fixed expression of a
  computed field (`Entity.computed`);
- operators from `OPERATORS` below, the one table of operator syntax, with each dialect's
  exceptions in `DIALECT_OPERATORS` (here and nowhere else);
- generated parameter names `$p0`, `$p1`, ... bound to the user's values.

So the text depends on the filter's shape and the whitelisted names only, never on a value
(beyond whether a `contains` needle has the 3 characters a trigram needs): a quote, a backtick
or `}) DETACH DELETE n` in a value stays a value. AND/OR/NOT become nested
boolean expressions, so the store can use an index on a top-level equality and short-circuit.

Substrings: `contains` on a searchable field (maestro_graph/substrings.py) reads the stored
lower-cased copy (`n.nameLower`), never `toLower` per node. In FalkorDB the filter also gets a
*narrowing*: a necessary condition built only from what a range index answers (equalities and
number bounds on indexed fields, `$trigram IN n.nameGrams` for each needle), ANDed in front, so
the store reads candidates from the index and the exact filter re-checks each one. A branch it
cannot narrow (NOT, a short needle, an unindexed field) makes its OR unnarrowed: then the scan
answers, as before. Neo4j 5 needs no narrowing: its TEXT index on `nameLower` serves CONTAINS.

Missing properties: a condition on a property a node lacks is false, also under NOT (so
`NOT {success: {eq: true}}` includes projects with no outcome yet). Outside any NOT, Cypher's
null already acts as false; under a NOT each condition is wrapped in `coalesce(..., false)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from maestro_graph.errors import InvalidInput
from maestro_graph.service.filters import Cond, Entity, Where
from maestro_graph.substrings import SEARCHABLE, grams_key, lower_key, needle_grams

OPERATORS: dict[str, str] = {
    "eq": "{x} = {v}",
    "in": "{x} IN {v}",
    "gt": "{x} > {v}",
    "gte": "{x} >= {v}",
    "lt": "{x} < {v}",
    "lte": "{x} <= {v}",
    "contains": "{x} CONTAINS {v}",  # {x} is the property lower-cased once per node; {v} lower-cased in Python
    "has": "{v} IN {x}",
}
# FalkorDB 4.x answers a range comparison on a string property from its range index with a
# different collation than the same comparison without the index ('active' > 'Fraud' is true
# by value, false by index). `+ ''` makes the operand an expression, so the scan answers.
DIALECT_OPERATORS: dict[str, dict[tuple[str, str], str]] = {
    "falkordb": {("string", op): "{x} + '' " + sym + " {v}" for op, sym in
                 (("gt", ">"), ("gte", ">="), ("lt", "<"), ("lte", "<="))},
    "neo4j": {},
}
# Whether a filter with a trigram-narrowable `contains` gets an index-served necessary condition.
DIALECT_NARROWS: dict[str, bool] = {"falkordb": True, "neo4j": False}  # Neo4j: TEXT index on the lower-cased copy
OPS_BY_KIND: dict[str, frozenset[str]] = {
    "string": frozenset({"eq", "in", "contains", "gt", "gte", "lt", "lte"}),
    "number": frozenset({"eq", "in", "gt", "gte", "lt", "lte"}),
    "bool": frozenset({"eq"}),
    "list": frozenset({"has"}),
}
_PROPERTY = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")  # belt and braces: the whitelist already holds


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_LOOSEST = {"gt": min, "gte": min, "lt": max, "lte": max}  # OR of one-sided bounds: the loosest holds

_VALUE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "number": _is_number,
    "bool": lambda v: isinstance(v, bool),
    "list": lambda v: isinstance(v, str),
}


@dataclass
class Fragments:
    """Slot fragments and the parameters they name."""

    fill: dict[str, str]
    params: dict[str, Any] = field(default_factory=dict)


class _Compiler:
    """Builds fragments; computed fields are projected once in a WITH (`/*DERIVED*/`), since
    FalkorDB refuses a pattern comprehension inside the WHERE of a MATCH."""

    def __init__(self, entity: Entity, dialect: str) -> None:
        self.entity = entity
        self.operators = {**{(kind, op): OPERATORS[op] for kind, ops in OPS_BY_KIND.items() for op in ops},
                          **DIALECT_OPERATORS[dialect]}
        self.params: dict[str, Any] = {}
        self.derived: dict[str, str] = {}  # alias -> fixed expression
        self.uses_derived = False
        self.narrows = DIALECT_NARROWS[dialect]
        self.searchable = SEARCHABLE.get(entity.label, ())
        self.narrowed_by_grams = False

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def expr(self, name: str) -> str:
        """The Cypher expression of a whitelisted field on node `n`."""
        if name in self.entity.computed:
            alias = f"d_{name}"
            self.derived[alias] = self.entity.computed[name]
            self.uses_derived = True
            return alias
        if name not in self.entity.fields or not _PROPERTY.match(name):
            raise InvalidInput(f"unknown field {name}", f"where.{name}")
        return f"n.{name}"

    def lowered(self, name: str) -> str:
        """`toLower(n.name)` computed once per node in the WITH, however many `contains` read it."""
        self.expr(name)  # whitelist check
        alias = f"l_{name}"
        self.derived[alias] = f"toLower(n.{name})"
        self.uses_derived = True
        return alias

    def merge_equalities(self, options: list[Where]) -> list[Where]:
        """`x = a OR x = b OR x IN [c]` becomes `x IN [a, b, c]`: one test per node, and an
        index look-up when `x` is indexed; `x > a OR x > b` becomes `x > min(a, b)` (numbers).
        Only the shape decides what merges, so the text stays free of values."""
        merged: dict[str, list[Any]] = {}
        bounds: dict[tuple[str, str], Any] = {}  # `x > a OR x > b` is `x > min(a, b)`
        rest: list[Where] = []
        for option in options:
            cond = option.conds[0] if len(option.conds) == 1 else None
            if (cond is not None and not option.all_of and option.any_of is None and option.not_ is None
                    and (cond.op == "eq" or (cond.op == "in" and isinstance(cond.value, list)))
                    and self.entity.fields.get(cond.field) in ("string", "number")
                    and cond.field not in self.entity.computed):
                values = cond.value if cond.op == "in" else [cond.value]
                merged.setdefault(cond.field, []).extend(values)
            elif (cond is not None and not option.all_of and option.any_of is None and option.not_ is None
                    and cond.op in _LOOSEST and self.entity.fields.get(cond.field) == "number"
                    and cond.field not in self.entity.computed and _is_number(cond.value)):
                bound = bounds.get((cond.field, cond.op))
                bounds[(cond.field, cond.op)] = cond.value if bound is None else _LOOSEST[cond.op](bound, cond.value)
            else:
                rest.append(option)
        return ([Where(conds=[Cond(name, "in", values)]) for name, values in merged.items()]
                + [Where(conds=[Cond(name, op, value)]) for (name, op), value in bounds.items()] + rest)

    def cond(self, cond: Cond, negated: bool) -> str:
        kind = self.entity.fields.get(cond.field)
        if kind is None or kind not in OPS_BY_KIND or cond.op not in OPS_BY_KIND[kind]:
            raise InvalidInput(f"cannot filter {cond.field} with {cond.op}", f"where.{cond.field}")
        check = _VALUE_CHECKS[kind]
        value = cond.value
        if cond.op == "in":
            if not isinstance(value, list) or not all(check(v) for v in value):
                raise InvalidInput(f"in on {cond.field} takes a list of {kind} values", f"where.{cond.field}")
        elif not check(value):
            raise InvalidInput(f"{cond.field} takes a {kind} value", f"where.{cond.field}")
        if any(isinstance(v, str) and "\x00" in v for v in (value if isinstance(value, list) else [value])):
            # stored text never holds NUL (the importer refuses it), and the FalkorDB client
            # cannot carry it in a parameter: say so rather than fail inside the store
            raise InvalidInput(f"{cond.field} holds a NUL character", f"where.{cond.field}")
        if cond.op == "contains":
            value = value.lower()
        if cond.op == "has" and cond.field in self.entity.lower_case_lists:
            value = value.strip().lower()
        if cond.op == "contains" and cond.field in self.searchable:
            subject = f"n.{lower_key(cond.field)}"  # lower-cased at write time, like `value` here
        elif cond.op == "contains":
            subject = self.lowered(cond.field)
        else:
            subject = self.expr(cond.field)
        text = self.operators[(kind, cond.op)].format(x=subject, v=self.bind(value))
        return f"coalesce({text}, false)" if negated else f"({text})"

    def parts(self, where: Where, negated: bool) -> list[Any]:
        """The conjuncts of one filter node, each a thunk so the caller can see what it uses."""
        out: list[Any] = [lambda c=c: self.cond(c, negated) for c in where.conds]
        out += [lambda w=w: self.node(w, negated) for w in where.all_of]
        if where.any_of is not None:
            any_of = self.merge_equalities(where.any_of)
            out.append(lambda: f"({' OR '.join(self.node(w, negated) for w in any_of)})" if any_of else "false")
        if where.not_ is not None:
            not_ = where.not_
            out.append(lambda: f"(NOT {self.node(not_, True)})")
        return out

    def node(self, where: Where, negated: bool) -> str:
        parts = [make() for make in self.parts(where, negated)]
        if not parts:
            return "true"  # an empty filter holds for every node
        return parts[0] if len(parts) == 1 else f"({' AND '.join(parts)})"

    def narrow_cond(self, cond: Cond) -> str | None:
        """An index-served condition that every node satisfying `cond` satisfies, or None."""
        kind = self.entity.fields.get(cond.field)
        if cond.field in self.entity.computed:
            return None
        if cond.op == "contains" and cond.field in self.searchable:
            grams = needle_grams(cond.value.lower())
            if grams is None:
                return None  # shorter than a trigram: only the scan can tell
            self.narrowed_by_grams = True
            return "(" + " AND ".join(f"{self.bind(g)} IN n.{grams_key(cond.field)}" for g in grams) + ")"
        if cond.field in self.entity.range_indexed and (
                (cond.op in ("eq", "in") and kind in ("string", "number")) or (cond.op in _LOOSEST and kind == "number")):
            # string ranges stay out: FalkorDB's index collates strings unlike its scan (DIALECT_OPERATORS)
            return OPERATORS[cond.op].format(x=f"n.{cond.field}", v=self.bind(cond.value))
        return None

    def narrowing(self, where: Where) -> str | None:
        """A necessary condition of `where` made only of index-served tests, or None when the
        filter as a whole cannot be narrowed. AND keeps any narrowable part; OR needs every
        branch narrowable; NOT narrows nothing (the complement of an index range is a scan)."""
        parts = [self.narrow_cond(c) for c in where.conds] + [self.narrowing(w) for w in where.all_of]
        if where.any_of:
            options = [self.narrowing(w) for w in where.any_of]
            if all(o is not None for o in options):
                parts.append(f"({' OR '.join(o for o in options if o is not None)})")
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else f"({' AND '.join(kept)})"

    def top(self, where: Where | None) -> dict[str, str]:
        """WHERE (on the MATCH, where indexes apply), DERIVED and DERIVED_WHERE slots.

        Top-level conjuncts that read no computed field stay on the MATCH; the others are
        checked after the WITH that computes them. Splitting an AND changes nothing.
        """
        plain, derived = [], []
        for make in self.parts(where, False) if where is not None else []:
            self.uses_derived = False
            text = make()
            (derived if self.uses_derived else plain).append(text)
        if where is not None and self.narrows:
            before = dict(self.params)  # values are checked above, by the exact filter
            narrowing = self.narrowing(where)
            if narrowing is not None and self.narrowed_by_grams:
                plain.insert(0, narrowing)  # first, where the planner looks for an index
            else:
                self.params = before  # without a trigram, the planner already uses what indexes apply
        return {"WHERE": " AND ".join(plain) or "true", "DERIVED_WHERE": " AND ".join(derived) or "true"}

    def derived_slot(self) -> str:
        return "".join(f", {expr} AS {alias}" for alias, expr in self.derived.items())


def compile_where(entity: Entity, where: Where | None, dialect: str) -> Fragments:
    """The WHERE, DERIVED and DERIVED_WHERE slots and their parameters (counts, statistics)."""
    compiler = _Compiler(entity, dialect)
    fill = compiler.top(where)
    return Fragments({**fill, "DERIVED": compiler.derived_slot()}, compiler.params)


def check_order(entity: Entity, order_field: str) -> None:
    if order_field not in entity.order_fields:
        raise InvalidInput(f"cannot order by {order_field}", "orderBy.field")


@dataclass(frozen=True)
class Keyset:
    """Where the previous page ended: its last item's sort key (None when it had none) and id."""

    key: Any
    id: str


def compile_page(
    entity: Entity, where: Where | None, order_field: str, descending: bool, after: Keyset | None, limit: int,
    dialect: str,
) -> Fragments:
    """Fragments for a `*_page` template: filter, sort key, keyset start and direction.

    Order is (key IS NULL, key ASC|DESC, id ASC): nodes without a key come last either way,
    and id breaks ties, so the order is total and a keyset names one exact position in it.
    One row beyond `limit` is fetched to tell whether a next page exists.
    """
    check_order(entity, order_field)
    compiler = _Compiler(entity, dialect)
    fill = compiler.top(where)
    key = entity.sort_keys.get(order_field) or compiler.expr(order_field)
    if after is None:
        after_text = "true"
    elif after.key is None:
        after_text = f"(k IS NULL AND n.id > {compiler.bind(after.id)})"
    else:
        k, i = compiler.bind(after.key), compiler.bind(after.id)
        beyond = "<" if descending else ">"
        after_text = f"(k {beyond} {k} OR (k = {k} AND n.id > {i}) OR k IS NULL)"
    fill |= {"DERIVED": compiler.derived_slot(), "KEY": key, "AFTER": after_text, "DIR": "DESC" if descending else "ASC"}
    return Fragments(fill, {**compiler.params, "limit": limit + 1})
