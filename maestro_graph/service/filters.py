"""Compile a `where` tree (AND / OR / NOT over field conditions) into statement parameters.

Cypher text never changes with the filter: the statements (`projects_page`, `artifacts_page`)
evaluate a list of leaf predicates per node, `$leaves`, then run `$program`, the boolean tree in
postfix order, on a small stack with `reduce()`:

    leaf i   push leaves[i]          not      pop a, push NOT a
    true     push true               and n    pop n values, push all of them
                                     or n     pop n values, push any of them

The program grows linearly with the filter (a normal form would grow exponentially). Field
names are checked against a whitelist here, and values travel as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from maestro_graph.errors import InvalidInput
from maestro_graph.store.port import GraphStore

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
    relations: dict[str, str]  # field name -> statement returning the ids of matching nodes
    order_fields: frozenset[str]
    prefilter: dict[str, str]  # indexed field -> statement parameter narrowing the MATCH


OPS_BY_KIND: dict[str, set[str]] = {
    "string": {"eq", "in", "contains", "gt", "gte", "lt", "lte"},
    "number": {"eq", "in", "gt", "gte", "lt", "lte"},
    "bool": {"eq"},
    "list": {"has"},
    "relation": {"eq"},
}

MAX_PROGRAM = 1000  # instructions; far beyond any hand-written filter, and bounded work per node


def _leaf(entity: Entity, cond: Cond) -> dict[str, Any]:
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


def _ins(op: str, i: int = 0, n: int = 0) -> dict[str, Any]:
    return {"op": op, "i": i, "n": n}


def _split_prefilter(entity: Entity, where: Where | None) -> tuple[dict[str, Any], Where | None]:
    """Take top-level `eq`/`in` conditions on indexed fields out of the program.

    They are ANDed with everything else, so applying them first, as `p.field IN $values` in the
    MATCH, gives the same answer, and the per-node evaluation then sees only the survivors.
    """
    params: dict[str, Any] = {param: None for param in entity.prefilter.values()}
    if where is None:
        return params, None
    rest = []
    for cond in where.conds:
        param = entity.prefilter.get(cond.field)
        if param is not None and params[param] is None and cond.op in ("eq", "in"):
            params[param] = list(cond.value) if cond.op == "in" else [cond.value]
        else:
            rest.append(cond)
    return params, Where(conds=rest, all_of=where.all_of, any_of=where.any_of, not_=where.not_)


def compile_where(entity: Entity, where: Where | None) -> dict[str, Any]:
    """Statement parameters for `where`: prefilter values, leaves, program, matchAll."""
    prefilter, where = _split_prefilter(entity, where)
    leaves: list[dict[str, Any]] = []
    program: list[dict[str, Any]] = []

    def emit(node: Where) -> None:
        parts = 0
        for cond in node.conds:
            leaves.append(_leaf(entity, cond))
            program.append(_ins("leaf", len(leaves) - 1))
            parts += 1
        for child in node.all_of:
            emit(child)
            parts += 1
        if node.any_of is not None:
            for child in node.any_of:
                emit(child)
            program.append(_ins("or", n=len(node.any_of)))  # OR of nothing is false
            parts += 1
        if node.not_ is not None:
            emit(node.not_)
            program.append(_ins("not"))
            parts += 1
        if parts == 0:
            program.append(_ins("true"))  # an empty filter holds for every node
        elif parts > 1:
            program.append(_ins("and", n=parts))
        if len(program) > MAX_PROGRAM:
            raise InvalidInput("where is too large; it may hold at most 1000 conditions and operators", "where")

    if where is not None:
        emit(where)
    return {**prefilter, "leaves": leaves, "program": program, "matchAll": not program or program == [_ins("true")]}


async def resolve_relations(store: GraphStore, entity: Entity, where: Where | None) -> Where | None:
    """Turn each relationship condition into `id in [...]`, one indexed read per condition.

    Evaluating relationships per node in the page statement cost ~0.9 s per 100k nodes even when
    no filter needed them (FalkorDB evaluates both branches of a CASE); starting from the one
    related node is an index lookup instead.
    """
    if where is None:
        return None
    conds = []
    for cond in where.conds:
        if cond.field in entity.relations:
            row = (await store.read(entity.relations[cond.field], {"value": cond.value}))[0]
            cond = Cond("id", "in", list(row["ids"]))
        conds.append(cond)
    return Where(
        conds=conds,
        all_of=[w for w in [await resolve_relations(store, entity, c) for c in where.all_of] if w],
        any_of=None if where.any_of is None else
        [w for w in [await resolve_relations(store, entity, c) for c in where.any_of] if w],
        not_=await resolve_relations(store, entity, where.not_),
    )


def order_params(entity: Entity, field_name: str, descending: bool) -> dict[str, Any]:
    if field_name not in entity.order_fields:
        raise InvalidInput(f"cannot order by {field_name}", "orderBy.field")
    return {"orderField": field_name, "desc": descending}


PROJECTS = Entity(
    fields={
        "id": "string", "name": "string", "description": "string", "problemClass": "string",
        "problemSubclass": "string", "status": "string", "complexityScore": "number", "success": "bool", "successScore": "number",
        "modelPerformance": "number", "businessImpact": "number", "durationDays": "number",
        "costUsd": "number", "startedAt": "number", "completedAt": "number", "tags": "list",
    },
    relations={
        "usesArtifact": "ids_projects_using_artifact", "usesArtifactName": "ids_projects_using_artifact_named",
        "hasMember": "ids_projects_with_member", "hasMemberName": "ids_projects_with_member_named",
    },
    order_fields=frozenset({"id", "name", "complexityScore", "successScore", "startedAt", "completedAt",
                            "durationDays", "costUsd", "status", "problemClass"}),
    prefilter={"id": "preIds", "status": "preStatus", "problemClass": "preProblemClass"},
)

ARTIFACTS = Entity(
    fields={
        "id": "string", "name": "string", "description": "string", "artifactType": "string",
        "version": "string", "createdBy": "string", "storagePath": "string", "tags": "list",
    },
    relations={"usedBy": "ids_artifacts_used_by_project", "usedByName": "ids_artifacts_used_by_project_named"},
    order_fields=frozenset({"id", "name", "version", "versionKey", "artifactType"}),
    prefilter={"id": "preIds", "artifactType": "preArtifactType", "name": "preName"},
)
