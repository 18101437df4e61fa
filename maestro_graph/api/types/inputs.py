"""Input types: `where` filters, orderings and mutation inputs, and their translation to the service layer."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

import strawberry

from maestro_graph.api.types.common import ArtifactType, EpochMillis, ProblemClass, ProjectStatus, SortDirection
from maestro_graph.service.filters import Cond, Where

OPS = ("eq", "in_", "contains", "gt", "gte", "lt", "lte", "has")


@strawberry.input(description="Conditions on a text field; all given ones must hold.")
class StringFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(default=None, name="in")
    contains: str | None = strawberry.field(default=None, description="case-insensitive substring")
    gt: str | None = None
    gte: str | None = None
    lt: str | None = None
    lte: str | None = None


@strawberry.input(description="Conditions on a number (times are epoch milliseconds).")
class NumberFilter:
    eq: float | None = None
    in_: list[float] | None = strawberry.field(default=None, name="in")
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None


@strawberry.input
class BooleanFilter:
    eq: bool | None = None


@strawberry.input(description="Conditions on a list of tags.")
class TagFilter:
    has: str | None = strawberry.field(default=None, description="the list contains this tag")


@strawberry.input(description="A related node, by id or by name (any version, for artifacts).")
class RelationFilter:
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.input
class ProblemClassFilter:
    eq: ProblemClass | None = None  # type: ignore[valid-type]
    in_: list[ProblemClass] | None = strawberry.field(default=None, name="in")  # type: ignore[valid-type]


@strawberry.input
class ProjectStatusFilter:
    eq: ProjectStatus | None = None  # type: ignore[valid-type]
    in_: list[ProjectStatus] | None = strawberry.field(default=None, name="in")  # type: ignore[valid-type]


@strawberry.input
class ArtifactTypeFilter:
    eq: ArtifactType | None = None  # type: ignore[valid-type]
    in_: list[ArtifactType] | None = strawberry.field(default=None, name="in")  # type: ignore[valid-type]


@strawberry.input(description="Filter projects; fields AND together, and AND/OR/NOT compose filters.")
class ProjectWhere:
    AND: list[ProjectWhere] | None = strawberry.field(default=None, name="AND")
    OR: list[ProjectWhere] | None = strawberry.field(default=None, name="OR")
    NOT: ProjectWhere | None = strawberry.field(default=None, name="NOT")
    id: StringFilter | None = None
    name: StringFilter | None = None
    description: StringFilter | None = None
    problem_class: ProblemClassFilter | None = None
    problem_subclass: StringFilter | None = strawberry.field(
        default=None, description="the finer problem name a source used (e.g. binary_classification)")
    status: ProjectStatusFilter | None = None
    complexity_score: NumberFilter | None = None
    success: BooleanFilter | None = None
    success_score: NumberFilter | None = None
    model_performance: NumberFilter | None = None
    business_impact: NumberFilter | None = None
    duration_days: NumberFilter | None = None
    cost_usd: NumberFilter | None = None
    started_at: NumberFilter | None = None
    completed_at: NumberFilter | None = None
    tags: TagFilter | None = None
    team_size: NumberFilter | None = strawberry.field(default=None, description="how many members the project has")
    uses_artifact: RelationFilter | None = strawberry.field(default=None, description="used this artifact")
    has_member: RelationFilter | None = strawberry.field(default=None, description="has this person on the team")


@strawberry.input(description="Filter artifacts; fields AND together, and AND/OR/NOT compose filters.")
class ArtifactWhere:
    AND: list[ArtifactWhere] | None = strawberry.field(default=None, name="AND")
    OR: list[ArtifactWhere] | None = strawberry.field(default=None, name="OR")
    NOT: ArtifactWhere | None = strawberry.field(default=None, name="NOT")
    id: StringFilter | None = None
    name: StringFilter | None = None
    description: StringFilter | None = None
    artifact_type: ArtifactTypeFilter | None = None
    version: StringFilter | None = None
    created_by: StringFilter | None = None
    storage_path: StringFilter | None = None
    tags: TagFilter | None = None
    usage_count: NumberFilter | None = strawberry.field(default=None, description="how many times projects used it")
    impact_score: NumberFilter | None = strawberry.field(default=None, description="its impactScore (the trained estimate, else the mean impact of its usages)")
    used_by: RelationFilter | None = strawberry.field(default=None, description="used by this project")


@strawberry.input(description="Filter people; fields AND together, and AND/OR/NOT compose filters.")
class PersonWhere:
    AND: list[PersonWhere] | None = strawberry.field(default=None, name="AND")
    OR: list[PersonWhere] | None = strawberry.field(default=None, name="OR")
    NOT: PersonWhere | None = strawberry.field(default=None, name="NOT")
    id: StringFilter | None = None
    name: StringFilter | None = None
    role: StringFilter | None = None
    skills: TagFilter | None = strawberry.field(default=None, description="`has`: the person has this skill (exact)")


# Relation filters become relation leaves: (id field name, name field name) in service/filters.py.
RELATIONS = {
    "uses_artifact": ("usesArtifact", "usesArtifactName"),
    "has_member": ("hasMember", "hasMemberName"),
    "used_by": ("usedBy", "usedByName"),
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_where(where: ProjectWhere | ArtifactWhere | PersonWhere | None) -> Where | None:
    """Translate a GraphQL filter into the service layer's `Where` tree."""
    if where is None:
        return None
    out = Where()
    for f in dataclasses.fields(where):  # type: ignore[arg-type]
        value = getattr(where, f.name)
        if value is None or f.name in ("AND", "OR", "NOT"):
            continue
        if f.name in RELATIONS:
            by_id, by_name = RELATIONS[f.name]
            if value.id is not None:
                out.conds.append(Cond(by_id, "eq", str(value.id)))
            if value.name is not None:
                out.conds.append(Cond(by_name, "eq", value.name))
            continue
        for op in OPS:
            given = getattr(value, op, None)
            if given is not None:
                out.conds.append(Cond(_camel(f.name), op.rstrip("_"), _plain(given)))
    out.all_of = [w for w in (to_where(c) for c in where.AND or []) if w is not None]
    if where.OR is not None:
        out.any_of = [w for w in (to_where(c) for c in where.OR) if w is not None]
    out.not_ = to_where(where.NOT)
    return out


@strawberry.enum
class ProjectOrderField(Enum):
    NAME = "name"
    ID = "id"
    STARTED_AT = "startedAt"
    COMPLETED_AT = "completedAt"
    COMPLEXITY_SCORE = "complexityScore"
    SUCCESS_SCORE = "successScore"
    DURATION_DAYS = "durationDays"
    COST_USD = "costUsd"
    STATUS = "status"
    PROBLEM_CLASS = "problemClass"
    TEAM_SIZE = "teamSize"


@strawberry.enum
class ArtifactOrderField(Enum):
    NAME = "name"
    ID = "id"
    VERSION = "version"  # version order via versionKey (see maestro_graph/versions.py, service/filters.py), not text order
    ARTIFACT_TYPE = "artifactType"
    USAGE_COUNT = "usageCount"
    IMPACT_SCORE = "impactScore"


@strawberry.enum
class PersonOrderField(Enum):
    NAME = "name"
    ID = "id"
    ROLE = "role"


@strawberry.input
class ProjectOrder:
    field: ProjectOrderField = ProjectOrderField.NAME
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class ArtifactOrder:
    field: ArtifactOrderField = ArtifactOrderField.NAME
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class PersonOrder:
    field: PersonOrderField = PersonOrderField.NAME
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class CreateProjectInput:
    name: str
    id: strawberry.ID | None = strawberry.field(default=None, description="keep an id of yours; generated if absent")
    description: str | None = None
    problem_class: ProblemClass | None = None  # type: ignore[valid-type]
    problem_subclass: str | None = strawberry.field(
        default=None, description="a finer name (object_detection...); sets problemClass when that is absent")
    complexity_score: int | None = None
    status: ProjectStatus | None = None  # type: ignore[valid-type]
    tags: list[str] | None = None
    started_at: EpochMillis | None = None
    repository: str | None = strawberry.field(default=None, description="code repository as owner/name")


@strawberry.input
class UpdateProjectInput:
    name: str | None = None
    description: str | None = None
    problem_class: ProblemClass | None = None  # type: ignore[valid-type]
    problem_subclass: str | None = strawberry.field(
        default=None, description="a finer name (object_detection...); sets problemClass when that is absent")
    complexity_score: int | None = None
    status: ProjectStatus | None = None  # type: ignore[valid-type]
    tags: list[str] | None = None
    started_at: EpochMillis | None = None
    repository: str | None = strawberry.field(default=None, description="code repository as owner/name")


@strawberry.input
class OutcomeInput:
    success: bool | None = None
    success_score: float | None = None
    model_performance: float | None = None
    business_impact: float | None = None
    duration_days: float | None = None
    cost_usd: float | None = None
    completed_at: EpochMillis | None = None


@strawberry.input
class RegisterArtifactInput:
    name: str
    artifact_type: ArtifactType  # type: ignore[valid-type]
    version: str = "1.0.0"
    description: str | None = None
    tags: list[str] | None = None
    storage_path: str | None = None
    created_by: strawberry.ID | None = None


def input_dict(value: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """An input object as a camelCase dict of the fields the client gave."""
    return {_camel(f.name): _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None and f.name not in skip}
