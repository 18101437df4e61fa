"""The graph's node types and their traversals. Resolvers only ask a DataLoader and wrap."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from maestro_graph.api.prefetch import ready_page
from maestro_graph.api.types.audit import Audit
from maestro_graph.api.types.common import (
    ArtifactType, Connection, Edge, EpochMillis, ProblemClass, ProjectStatus, iso_field,
)
from maestro_graph.errors import InvalidInput
from maestro_graph.model import OUTCOME_FIELDS
from maestro_graph.service.pages import Page

MAX_LINEAGE_DEPTH = 3
C = TypeVar("C")
E = TypeVar("E", bound=Enum)
_OUTCOME_KEYS = frozenset((*OUTCOME_FIELDS, "outcomeMetadata"))


def _members(enum: type[E]) -> Callable[[str], E]:
    """`enum(value)` through a dict: a big nested answer converts tens of thousands of these,
    and the Enum call is several times slower (an unknown value still raises as before)."""
    by_value = {member.value: member for member in enum}

    def member(value: str) -> E:
        found = by_value.get(value)
        return found if found is not None else enum(value)

    return member


_problem_class, _status, _artifact_type = _members(ProblemClass), _members(ProjectStatus), _members(ArtifactType)


def _metadata(root: strawberry.Parent[Any]) -> JSON | None:
    """Free-form metadata is stored as a JSON string; it is parsed only when a client asks."""
    return json.loads(root.raw_metadata) if isinstance(root.raw_metadata, str) else None


def _related(info: Info, statement: str, first: int | None, after: str | None, parent_id: str,
             build: Callable[[Page], C]) -> C:
    """A relationship page, synchronously when the look-ahead fetched it (api/prefetch.py).

    Otherwise its DataLoader batches it with the same field of every other parent and the
    resolver returns an awaitable (graphql-core accepts either from any resolver).
    """
    loaders = info.context.loaders
    args = loaders.page_args(first, after)
    page = ready_page(info, args, parent_id)
    if page is not None:
        return build(page)
    return _later(loaders.page(statement, args).load(parent_id), build)  # type: ignore[return-value]


async def _later(pending: Awaitable[Page], build: Callable[[Page], C]) -> C:
    return build(await pending)


@strawberry.enum
class LineageDirection(Enum):
    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"
    BOTH = "BOTH"


@strawberry.type(description="What happened, once a project ended.")
class Outcome:
    success: bool | None
    success_score: float | None
    model_performance: float | None
    business_impact: float | None
    duration_days: float | None
    cost_usd: float | None
    raw_metadata: strawberry.Private[str | None] = None
    metadata: JSON | None = strawberry.field(
        resolver=_metadata, description="Outcome keys a source gave that Maestro does not model (JSON).")


@strawberry.type
class Metric:
    id: strawberry.ID
    project_id: str
    type: str
    value: float
    at: EpochMillis
    source: str | None
    audit: Audit
    at_iso: str | None = iso_field("at")

    @classmethod
    def from_node(cls, n: dict[str, Any]) -> Metric:
        return cls(id=n["id"], project_id=n["projectId"], type=n["type"], value=n["value"], at=n["at"], source=n.get("source"),
                   audit=Audit.from_node(n))


@strawberry.type
class Prediction:
    id: strawberry.ID
    model_version: str
    created_at: EpochMillis
    success_probability: float | None
    duration_days: float | None
    cost_usd: float | None
    created_at_iso: str | None = iso_field("created_at")

    @classmethod
    def from_node(cls, n: dict[str, Any]) -> Prediction:
        return cls(id=n["id"], model_version=n.get("modelVersion", ""), created_at=n.get("createdAt", 0),
                   success_probability=n.get("successProbability"), duration_days=n.get("durationDays"),
                   cost_usd=n.get("costUsd"))


@strawberry.type
class Project:
    id: strawberry.ID
    name: str
    description: str | None
    problem_class: ProblemClass  # type: ignore[valid-type]
    problem_subclass: str | None = strawberry.field(
        description="The finer problem name a source used (binary_classification, object_detection...), as given.")
    complexity_score: int | None
    status: ProjectStatus  # type: ignore[valid-type]
    tags: list[str]
    started_at: EpochMillis | None
    completed_at: EpochMillis | None
    outcome: Outcome | None
    repository: str | None = strawberry.field(description="The code repository, owner/name (GitHub webhooks match on it).")
    audit: Audit
    raw_metadata: strawberry.Private[str | None]
    metadata: JSON | None = strawberry.field(resolver=_metadata, description="Free-form keys kept from imports (JSON).")
    started_at_iso: str | None = iso_field("started_at")
    completed_at_iso: str | None = iso_field("completed_at")

    @classmethod
    def from_node(cls, n: dict[str, Any]) -> Project:
        known = not _OUTCOME_KEYS.isdisjoint(n)
        return cls(
            id=n["id"], name=n.get("name", ""), description=n.get("description"),
            problem_class=_problem_class(n.get("problemClass", "other")),
            problem_subclass=n.get("problemSubclass"),
            complexity_score=n.get("complexityScore"), status=_status(n.get("status", "planned")),
            tags=n.get("tags") or [], started_at=n.get("startedAt"), completed_at=n.get("completedAt"),
            outcome=Outcome(
                success=n.get("success"), success_score=n.get("successScore"),
                model_performance=n.get("modelPerformance"), business_impact=n.get("businessImpact"),
                duration_days=n.get("durationDays"), cost_usd=n.get("costUsd"),
                raw_metadata=n.get("outcomeMetadata"),
            ) if known else None,
            repository=n.get("repository"), raw_metadata=n.get("metadata"),
            audit=Audit.from_node(n),
        )

    @strawberry.field(description="How many people are members of the project.")
    async def team_size(self, info: Info) -> int:
        return await info.context.loaders.team_size().load(self.id)

    @strawberry.field(description="People on the project, with their role on it.")
    def team(self, info: Info, first: int | None = None, after: str | None = None) -> TeamConnection:
        return _related(info, "project_team", first, after, self.id, lambda page: TeamConnection.of(
            page, lambda c, r: MembershipEdge(offset=c, node=Person.from_node(r["node"]), role=r["edge"].get("role"),
                                              since=r["edge"].get("since"))))

    @strawberry.field(description="Artifacts the project used, with the context and impact of each use.")
    def artifacts(self, info: Info, first: int | None = None, after: str | None = None) -> ProjectArtifactConnection:
        return _related(info, "project_artifacts", first, after, self.id, lambda page: ProjectArtifactConnection.of(
            page, lambda c, r: ProjectArtifactEdge(offset=c, node=Artifact.from_node(r["node"]), context=r["edge"].get("context"),
                                                   impact=r["edge"].get("impact"), at=r["edge"].get("at"))))

    @strawberry.field(description="Process metric points, oldest first; optionally one type, since a time.")
    async def metrics(
        self, info: Info, type: str | None = None, since: EpochMillis | None = None,
        first: int | None = None, after: str | None = None,
    ) -> MetricConnection:
        loaders = info.context.loaders
        page = await loaders.page("project_metrics", loaders.page_args(first, after), type=type, since=since).load(self.id)
        return MetricConnection.of(page, lambda c, r: MetricEdge(offset=c, node=Metric.from_node(r["node"])))

    @strawberry.field(description="What models predicted for this project, newest first (none until a model is trained).")
    async def predictions(self, info: Info, first: int | None = None, after: str | None = None) -> PredictionConnection:
        loaders = info.context.loaders
        page = await loaders.page("project_predictions", loaders.page_args(first, after)).load(self.id)
        return PredictionConnection.of(page, lambda c, r: PredictionEdge(offset=c, node=Prediction.from_node(r["node"])))


@strawberry.type
class Artifact:
    id: strawberry.ID
    name: str
    artifact_type: ArtifactType  # type: ignore[valid-type]
    version: str
    description: str | None
    tags: list[str]
    storage_path: str | None
    created_by: str | None
    audit: Audit
    raw_metadata: strawberry.Private[str | None]
    metadata: JSON | None = strawberry.field(resolver=_metadata, description="Free-form keys kept from imports (JSON).")

    @classmethod
    def from_node(cls, n: dict[str, Any]) -> Artifact:
        return cls(
            id=n["id"], name=n.get("name", ""), artifact_type=_artifact_type(n.get("artifactType", "other")),
            version=n.get("version", "1.0.0"), description=n.get("description"), tags=n.get("tags") or [],
            storage_path=n.get("storagePath"), created_by=n.get("createdBy"), raw_metadata=n.get("metadata"),
            audit=Audit.from_node(n),
        )

    @strawberry.field(description="How many times projects used this artifact.")
    async def usage_count(self, info: Info) -> int:
        return int((await info.context.loaders.impact().load(self.id))["usageCount"])

    @strawberry.field(description="The change in success probability when a project uses this artifact, estimated "
                                  "by `maestro train` within problem class and shrunk toward 0 (see impactEstimate); "
                                  "before any training, the mean impact recorded on its usages; null if neither.")
    async def impact_score(self, info: Info) -> float | None:
        return (await info.context.loaders.impact().load(self.id))["impactScore"]

    @strawberry.field(description="The trained impact estimate with its 95% interval and the number of using "
                                  "projects with an outcome it rests on; null until `maestro train` has run.")
    async def impact_estimate(self, info: Info) -> ImpactEstimate | None:
        found = (await info.context.loaders.impact().load(self.id))["estimate"]
        return ImpactEstimate(score=found["score"], low=found["low"], high=found["high"], n=int(found["n"])) if found else None

    @strawberry.field(description="The trained impact within each problem class alone, best first (empty until "
                                  "`maestro train`): an artifact that helps one class shows it here even when its "
                                  "pooled impactScore is near 0.")
    async def impact_by_class(self, info: Info) -> list[ClassImpact]:
        stored = (await info.context.loaders.impact().load(self.id))["byClass"]
        return [ClassImpact(problem_class=_problem_class(c["problemClass"]), score=c["score"], low=c["low"],
                            high=c["high"], n=int(c["n"])) for c in (json.loads(stored) if stored else [])]

    @strawberry.field(description="Projects that used this artifact.")
    def used_by(self, info: Info, first: int | None = None, after: str | None = None) -> ArtifactUsageConnection:
        return _related(info, "artifact_used_by", first, after, self.id, lambda page: ArtifactUsageConnection.of(
            page, lambda c, r: ArtifactUsageEdge(offset=c, node=Project.from_node(r["node"]), context=r["edge"].get("context"),
                                                 impact=r["edge"].get("impact"), at=r["edge"].get("at"))))

    @strawberry.field(description="Artifacts most often used by the same projects, with how many projects.")
    def co_used_with(self, info: Info, first: int | None = None, after: str | None = None) -> CoUsedConnection:
        return _related(info, "artifact_co_used", first, after, self.id, lambda page: CoUsedConnection.of(
            page, lambda c, r: CoUsedEdge(offset=c, node=Artifact.from_node(r["node"]), count=r["count"])))

    @strawberry.field(description="Every version of this artifact, newest first.")
    async def versions(self, info: Info, first: int | None = None, after: str | None = None) -> ArtifactConnection:
        loaders = info.context.loaders
        nodes = await loaders.versions().load(self.id)
        page = Page.of([{"node": n} for n in nodes], loaders.page_args(first, after))
        return ArtifactConnection.of(page, lambda c, r: ArtifactEdge(offset=c, node=Artifact.from_node(r["node"])))

    @strawberry.field(description="DERIVED_FROM lineage up to `depth` hops (at most 3), each with its path of ids.")
    async def lineage(
        self, info: Info, direction: LineageDirection = LineageDirection.UPSTREAM, depth: int = 1,
        first: int | None = None, after: str | None = None,
    ) -> LineageConnection:
        if not 1 <= depth <= MAX_LINEAGE_DEPTH:
            raise InvalidInput(f"depth must be between 1 and {MAX_LINEAGE_DEPTH}", "depth")
        loaders = info.context.loaders
        rows = await loaders.lineage(direction.value, depth).load(self.id)
        page = Page.of(rows, loaders.page_args(first, after))
        return LineageConnection.of(page, lambda c, r: LineageEdge(
            offset=c, node=Artifact.from_node(r["node"]), depth=r["depth"], path=r["path"],
            direction=LineageDirection(r["direction"])))


@strawberry.type
class Person:
    id: strawberry.ID
    name: str
    role: str | None
    skills: list[str]

    @classmethod
    def from_node(cls, n: dict[str, Any]) -> Person:
        return cls(id=n["id"], name=n.get("name", ""), role=n.get("role"), skills=n.get("skills") or [])

    @strawberry.field(description="Projects this person is a member of, newest first.")
    def projects(self, info: Info, first: int | None = None, after: str | None = None) -> PersonProjectConnection:
        return _related(info, "person_projects", first, after, self.id, lambda page: PersonProjectConnection.of(
            page, lambda c, r: PersonProjectEdge(offset=c, node=Project.from_node(r["node"]), role=r["edge"].get("role"),
                                                 since=r["edge"].get("since"))))

    @strawberry.field(description="Artifacts this person created.")
    def artifacts_created(self, info: Info, first: int | None = None, after: str | None = None) -> ArtifactConnection:
        return _related(info, "person_artifacts_created", first, after, self.id, lambda page: ArtifactConnection.of(
            page, lambda c, r: ArtifactEdge(offset=c, node=Artifact.from_node(r["node"]))))


# Edges carry the relationship's properties beside the node.
@strawberry.type
class ProjectEdge(Edge):
    node: Project


@strawberry.type
class ArtifactEdge(Edge):
    node: Artifact


@strawberry.type
class PersonEdge(Edge):
    node: Person


@strawberry.type
class PredictionEdge(Edge):
    node: Prediction


@strawberry.type
class MetricEdge(Edge):
    node: Metric


@strawberry.type(description="A team member: the person and their role on this project.")
class MembershipEdge(Edge):
    node: Person
    role: str | None
    since: EpochMillis | None
    since_iso: str | None = iso_field("since")


@strawberry.type(description="A project of a person, with their role on it.")
class PersonProjectEdge(Edge):
    node: Project
    role: str | None
    since: EpochMillis | None
    since_iso: str | None = iso_field("since")


@strawberry.type(description="An artifact's impact on success (associational; insight/impact.py documents the estimator).")
class ImpactEstimate:
    score: float
    low: float
    high: float
    n: int


@strawberry.type(description="An artifact's impact on success within one problem class (associational).")
class ClassImpact:
    problem_class: ProblemClass  # type: ignore[valid-type]
    score: float
    low: float
    high: float
    n: int


@strawberry.type(description="An artifact a project used: the USED edge's context and impact.")
class ProjectArtifactEdge(Edge):
    node: Artifact
    context: str | None
    impact: float | None
    at: EpochMillis | None
    at_iso: str | None = iso_field("at")


@strawberry.type(description="A project that used an artifact: the USED edge's context and impact.")
class ArtifactUsageEdge(Edge):
    node: Project
    context: str | None
    impact: float | None
    at: EpochMillis | None
    at_iso: str | None = iso_field("at")


@strawberry.type(description="An artifact used together with another, and by how many projects.")
class CoUsedEdge(Edge):
    node: Artifact
    count: int


@strawberry.type(description="A lineage step: the artifact, how many hops away, and the ids along the way.")
class LineageEdge(Edge):
    node: Artifact
    depth: int
    path: list[str]
    direction: LineageDirection


@strawberry.type
class ProjectConnection(Connection[ProjectEdge]):
    pass


@strawberry.type
class ArtifactConnection(Connection[ArtifactEdge]):
    pass


@strawberry.type
class PersonConnection(Connection[PersonEdge]):
    pass


@strawberry.type
class MetricConnection(Connection[MetricEdge]):
    pass


@strawberry.type
class TeamConnection(Connection[MembershipEdge]):
    pass


@strawberry.type
class PersonProjectConnection(Connection[PersonProjectEdge]):
    pass


@strawberry.type
class ProjectArtifactConnection(Connection[ProjectArtifactEdge]):
    pass


@strawberry.type
class ArtifactUsageConnection(Connection[ArtifactUsageEdge]):
    pass


@strawberry.type
class CoUsedConnection(Connection[CoUsedEdge]):
    pass


@strawberry.type
class LineageConnection(Connection[LineageEdge]):
    pass


@strawberry.type
class PredictionConnection(Connection[PredictionEdge]):
    pass
