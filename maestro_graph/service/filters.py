"""What a `where` filter is, and what can be filtered and sorted on each label.

A filter is a tree: a node ANDs its conditions and sub-filters, `any_of` is OR, `not_` is NOT.
`service/compile.py` turns it into a parameterised Cypher WHERE; this module holds the tree, the
per-label whitelists it is checked against, and the resolution of relationship conditions into
indexed id look-ups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from maestro_graph.errors import InvalidInput
from maestro_graph.store.port import GraphStore

Kind = Literal["string", "number", "bool", "list", "relation"]
MAX_CONDITIONS = 50  # per filter, relationship conditions included; checked before any store call


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
    """What can be filtered and sorted on one label.

    `computed` maps a field that is not a stored property (a project's `teamSize`, an
    artifact's `usageCount`) to the Cypher expression over `n` that derives it; the expressions
    are fixed text written here, never built from input.
    """

    label: str
    fields: dict[str, Kind]
    relations: dict[str, str]  # field name -> statement returning the ids of matching nodes
    order_fields: frozenset[str]
    computed: dict[str, str] = field(default_factory=dict)
    lower_case_lists: frozenset[str] = frozenset()  # list fields stored lower-case (tags)
    sort_keys: dict[str, str] = field(default_factory=dict)  # order field -> expression, when not the value
    # fields with a range index in both dialects' schema.cypher: conditions on them may narrow a scan
    range_indexed: frozenset[str] = frozenset({"id"})


def count_conditions(where: Where | None) -> int:
    """How many conditions a filter holds, at any depth."""
    if where is None:
        return 0
    nested = [*where.all_of, *(where.any_of or []), *([where.not_] if where.not_ else [])]
    return len(where.conds) + sum(count_conditions(w) for w in nested)


def check_size(where: Where | None) -> None:
    """Refuse an oversized filter before it costs a store call (each relation condition is one)."""
    if count_conditions(where) > MAX_CONDITIONS:
        raise InvalidInput(f"where may hold at most {MAX_CONDITIONS} conditions", "where")


async def resolve_relations(store: GraphStore, entity: Entity, where: Where | None) -> Where | None:
    """Turn each relationship condition into `id in [...]`, one indexed read per condition.

    Starting from the one related node is an index look-up; evaluating the relationship per
    candidate node in the page statement cost ~0.9 s per 100k nodes.
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


TEAM_SIZE = "size([(n)<-[:MEMBER_OF]-(:Person) | 1])"
USAGE_COUNT = "size([(n)<-[:USED]-(:Project) | 1])"
# Mean impact of the usages that carry one; null when none does (same figure as `artifact_impact`).
# One pattern comprehension, folded into [sum, count]: FalkorDB 4.x answered wrongly when one
# expression held several comprehensions over the same pattern.
# The impact `maestro train` computed (insight/impact.py) when there is one, else the mean recorded
# usage impact: the same rule as `Artifact.impactScore` (cypher/artifact_impact.cypher).
IMPACT_SCORE = (
    "coalesce(n.impactScore, [acc IN [reduce(acc = [0.0, 0], x IN [(n)<-[u:USED]-(:Project) | u.impact] | "
    "CASE WHEN x IS NULL THEN acc ELSE [acc[0] + x, acc[1] + 1] END)] | "
    "CASE WHEN acc[1] = 0 THEN null ELSE acc[0] / acc[1] END][0])"
)

PROJECTS = Entity(
    label="Project",
    fields={
        "id": "string", "name": "string", "description": "string", "problemClass": "string",
        "problemSubclass": "string", "status": "string", "complexityScore": "number", "success": "bool", "successScore": "number",
        "modelPerformance": "number", "businessImpact": "number", "durationDays": "number",
        "costUsd": "number", "startedAt": "number", "completedAt": "number", "tags": "list",
        "teamSize": "number", "repository": "string",
    },
    relations={
        "usesArtifact": "ids_projects_using_artifact", "usesArtifactName": "ids_projects_using_artifact_named",
        "hasMember": "ids_projects_with_member", "hasMemberName": "ids_projects_with_member_named",
    },
    order_fields=frozenset({"id", "name", "complexityScore", "successScore", "startedAt", "completedAt",
                            "durationDays", "costUsd", "status", "problemClass", "teamSize"}),
    computed={"teamSize": TEAM_SIZE},
    lower_case_lists=frozenset({"tags"}),
    range_indexed=frozenset({"id", "name", "status", "problemClass", "complexityScore"}),
)

ARTIFACTS = Entity(
    label="Artifact",
    fields={
        "id": "string", "name": "string", "description": "string", "artifactType": "string",
        "version": "string", "createdBy": "string", "storagePath": "string", "tags": "list",
        "usageCount": "number", "impactScore": "number",
    },
    relations={"usedBy": "ids_artifacts_used_by_project", "usedByName": "ids_artifacts_used_by_project_named"},
    order_fields=frozenset({"id", "name", "version", "artifactType", "usageCount", "impactScore"}),
    computed={"usageCount": USAGE_COUNT, "impactScore": IMPACT_SCORE},
    lower_case_lists=frozenset({"tags"}),
    # versionKey (set by the importer) sorts like semver; older nodes without it fall back to the text
    sort_keys={"version": "coalesce(n.versionKey, n.version)"},
    range_indexed=frozenset({"id", "name", "version", "artifactType"}),
)

PERSONS = Entity(
    label="Person",
    fields={"id": "string", "name": "string", "role": "string", "skills": "list"},
    relations={},
    order_fields=frozenset({"id", "name", "role"}),
)
