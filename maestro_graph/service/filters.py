"""Compile a `where` tree (AND / OR / NOT over field conditions) into statement parameters.

Cypher text never changes with the filter: the statements (`projects_page`, `artifacts_page`)
evaluate a list of leaf predicates per node, `$leaves`, and combine them with `$dnf`, the
filter in disjunctive normal form (an OR of ANDs of possibly negated leaves). Field names are
checked against a whitelist here, and values travel as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any, Literal

from maestro_graph.errors import InvalidInput

MAX_CLAUSES = 256
NONE_FIELD = "__none__"  # a property no node has: leaves of other ops read null, never mistype
Kind = Literal["string", "number", "bool", "list", "relation"]


@dataclass(frozen=True)
class Cond:
    """One condition: `field op value`; `op` is eq, in, contains, gt, gte, lt, lte or has."""

    field: str
    op: str
    value: Any


@dataclass
class Where:
    """A filter node: all conditions and sub-filters must hold (AND); `any_of` is OR; `not_` is NOT."""

    conds: list[Cond] = field(default_factory=list)
    all_of: list[Where] = field(default_factory=list)
    any_of: list[Where] | None = None
    not_: Where | None = None


@dataclass(frozen=True)
class Entity:
    """What can be filtered and sorted on one label: property kinds and relation leaves."""

    fields: dict[str, Kind]
    relations: dict[str, str]  # field name -> leaf op (relA, relAName, relB, relBName)
    order_fields: frozenset[str]


OPS_BY_KIND: dict[str, set[str]] = {
    "string": {"eq", "in", "contains", "gt", "gte", "lt", "lte"},
    "number": {"eq", "in", "gt", "gte", "lt", "lte"},
    "bool": {"eq"},
    "list": {"has"},
    "relation": {"eq"},
}

Literal_ = tuple[int, bool]  # (leaf index, negated)


def _leaf(entity: Entity, cond: Cond) -> dict[str, Any]:
    if cond.field in entity.relations:
        return {"op": entity.relations[cond.field], "field": NONE_FIELD, "sfield": NONE_FIELD,
                "lfield": NONE_FIELD, "value": cond.value, "svalue": "", "values": []}
    kind = entity.fields.get(cond.field)
    if kind is None or cond.op not in OPS_BY_KIND[kind]:
        raise InvalidInput(f"cannot filter {cond.field} with {cond.op}", f"where.{cond.field}")
    if cond.op == "has" and isinstance(cond.value, str):
        cond = Cond(cond.field, cond.op, cond.value.strip().lower())  # tags are stored lower-case
    if cond.op == "in" and not isinstance(cond.value, list):
        raise InvalidInput("in takes a list", f"where.{cond.field}")
    return {
        "op": cond.op,
        "field": cond.field if cond.op not in ("contains", "has") else NONE_FIELD,
        "sfield": cond.field if cond.op == "contains" else NONE_FIELD,
        "lfield": cond.field if cond.op == "has" else NONE_FIELD,
        "value": None if cond.op == "in" else cond.value,
        "svalue": str(cond.value) if cond.op == "contains" else "",
        "values": cond.value if cond.op == "in" else [],
    }


def _and(parts: list[list[list[Literal_]]]) -> list[list[Literal_]]:
    result: list[list[Literal_]] = [[]]
    for part in parts:
        result = [a + b for a, b in product(result, part)]
        if len(result) > MAX_CLAUSES:
            raise InvalidInput("where is too complex; simplify its AND/OR/NOT nesting", "where")
    return result


def _not(clauses: list[list[Literal_]]) -> list[list[Literal_]]:
    # NOT (c1 OR c2 ...) = AND over clauses of (OR over the clause's negated literals)
    return _and([[[(i, not neg)] for i, neg in clause] for clause in clauses])


def compile_where(entity: Entity, where: Where | None) -> dict[str, Any]:
    """Statement parameters for `where`: leaves, dnf, matchAll, needUsed, needMembers."""
    leaves: list[dict[str, Any]] = []

    def walk(node: Where) -> list[list[Literal_]]:
        parts: list[list[list[Literal_]]] = []
        for cond in node.conds:
            leaves.append(_leaf(entity, cond))
            parts.append([[(len(leaves) - 1, False)]])
        parts += [walk(child) for child in node.all_of]
        if node.any_of is not None:
            parts.append([clause for child in node.any_of for clause in walk(child)])
        if node.not_ is not None:
            parts.append(_not(walk(node.not_)))
        return _and(parts)

    clauses = walk(where) if where else [[]]
    ops = {leaf["op"] for leaf in leaves}
    return {
        "leaves": leaves,
        "dnf": [[{"i": i, "neg": neg} for i, neg in clause] for clause in clauses],
        "matchAll": any(len(clause) == 0 for clause in clauses),
        "needUsed": bool(ops & {"relA", "relAName"}),
        "needMembers": bool(ops & {"relB", "relBName"}),
    }


def order_params(entity: Entity, field_name: str, descending: bool) -> dict[str, Any]:
    if field_name not in entity.order_fields:
        raise InvalidInput(f"cannot order by {field_name}", "orderBy.field")
    return {"orderField": field_name, "desc": descending}


PROJECTS = Entity(
    fields={
        "id": "string", "name": "string", "description": "string", "problemClass": "string",
        "status": "string", "complexityScore": "number", "success": "bool", "successScore": "number",
        "modelPerformance": "number", "businessImpact": "number", "durationDays": "number",
        "costUsd": "number", "startedAt": "number", "completedAt": "number", "tags": "list",
    },
    relations={"usesArtifact": "relA", "usesArtifactName": "relAName", "hasMember": "relB", "hasMemberName": "relBName"},
    order_fields=frozenset({"id", "name", "complexityScore", "successScore", "startedAt", "completedAt",
                            "durationDays", "costUsd", "status", "problemClass"}),
)

ARTIFACTS = Entity(
    fields={
        "id": "string", "name": "string", "description": "string", "artifactType": "string",
        "version": "string", "createdBy": "string", "storagePath": "string", "tags": "list",
    },
    relations={"usedBy": "relA", "usedByName": "relAName", "createdByPerson": "relB"},
    order_fields=frozenset({"id", "name", "version", "artifactType"}),
)
