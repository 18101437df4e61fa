"""The GraphQL schema: queries and mutations. Resolvers translate; the service layer decides."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.types import Info

from maestro_graph.api.queries.learning import LearningQuery
from maestro_graph.api.types.common import (
    SCALARS, ArtifactType, Connection, Edge, EpochMillis, ErrorCode, MutationError,
)
from maestro_graph.api.types.inputs import (
    ArtifactOrder, ArtifactWhere, CreateProjectInput, OutcomeInput, ProjectOrder, ProjectWhere,
    RegisterArtifactInput, UpdateProjectInput, input_dict, to_where,
)
from maestro_graph.api.types.nodes import (
    Artifact, ArtifactConnection, ArtifactEdge, Metric, Person, Project, ProjectConnection, ProjectEdge,
)
from maestro_graph.errors import MaestroError
from maestro_graph.service import reads, writes

log = logging.getLogger("maestro.api")
T = TypeVar("T")
# A Relay hop costs three levels (field, edges, node): 15 allows four hops, e.g. project → team →
# their projects → artifacts. Depth does not bound size; a cost limit belongs to the security work.
MAX_QUERY_DEPTH = 15


@strawberry.type(description="A search hit: the artifact, its text score and its usage impact.")
class ArtifactSearchEdge(Edge):
    node: Artifact
    score: float
    impact_score: float | None
    usage_count: int


@strawberry.type
class ArtifactSearchConnection(Connection[ArtifactSearchEdge]):
    pass


@strawberry.type
class DeletedProject:
    id: strawberry.ID


ProjectResult = Annotated[Project | MutationError, strawberry.union("ProjectResult")]
ArtifactResult = Annotated[Artifact | MutationError, strawberry.union("ArtifactResult")]
MetricResult = Annotated[Metric | MutationError, strawberry.union("MetricResult")]
DeleteProjectResult = Annotated[DeletedProject | MutationError, strawberry.union("DeleteProjectResult")]


async def _result(call: Awaitable[T]) -> T | MutationError:
    """Domain errors become a typed result; anything else propagates and is masked."""
    try:
        return await call
    except MaestroError as exc:
        return MutationError(code=ErrorCode(exc.code), message=exc.message, field=exc.field)


@strawberry.type
class Query(LearningQuery):
    @strawberry.field
    async def project(self, info: Info, id: strawberry.ID) -> Project | None:
        node = await info.context.loaders.node("Project").load(str(id))
        return Project.from_node(node) if node else None

    @strawberry.field(description="Projects matching `where`, ordered, paged (`first` ≤ 100).")
    async def projects(
        self, info: Info, where: ProjectWhere | None = None, order_by: ProjectOrder | None = None,
        first: int | None = None, after: str | None = None,
    ) -> ProjectConnection:
        order = order_by or ProjectOrder()
        page = await reads.list_nodes(
            info.context.store, "Project", to_where(where), order.field.value, order.direction.value == "DESC",
            info.context.loaders.page_args(first, after),
        )
        return ProjectConnection.of(page, lambda c, r: ProjectEdge(offset=c, node=Project.from_node(r["node"])))

    @strawberry.field
    async def artifact(self, info: Info, id: strawberry.ID) -> Artifact | None:
        node = await info.context.loaders.node("Artifact").load(str(id))
        return Artifact.from_node(node) if node else None

    @strawberry.field(description="Artifacts matching `where`, ordered, paged (`first` ≤ 100).")
    async def artifacts(
        self, info: Info, where: ArtifactWhere | None = None, order_by: ArtifactOrder | None = None,
        first: int | None = None, after: str | None = None,
    ) -> ArtifactConnection:
        order = order_by or ArtifactOrder()
        page = await reads.list_nodes(
            info.context.store, "Artifact", to_where(where), order.field.value, order.direction.value == "DESC",
            info.context.loaders.page_args(first, after),
        )
        return ArtifactConnection.of(page, lambda c, r: ArtifactEdge(offset=c, node=Artifact.from_node(r["node"])))

    @strawberry.field
    async def person(self, info: Info, id: strawberry.ID) -> Person | None:
        node = await info.context.loaders.node("Person").load(str(id))
        return Person.from_node(node) if node else None

    @strawberry.field(description="Full-text search over artifact names, descriptions and tags, with filters.")
    async def search_artifacts(
        self, info: Info, query: str | None = None, type: ArtifactType | None = None,  # type: ignore[valid-type]
        tags: list[str] | None = None, min_impact_score: float | None = None,
        first: int | None = None, after: str | None = None,
    ) -> ArtifactSearchConnection:
        page = await reads.search_artifacts(
            info.context.store, query, type.value if type else None, tags or [], min_impact_score,
            info.context.loaders.page_args(first, after),
        )
        return ArtifactSearchConnection.of(page, lambda c, r: ArtifactSearchEdge(
            offset=c, node=Artifact.from_node(r["node"]), score=float(r["score"] or 0.0),
            impact_score=r["impact"], usage_count=int(r["uses"])))


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_project(self, info: Info, input: CreateProjectInput) -> ProjectResult:
        data = input_dict(input, skip=("id",))
        node = await _result(writes.create_project(info.context.store, data, str(input.id) if input.id else None))
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation
    async def update_project(self, info: Info, id: strawberry.ID, input: UpdateProjectInput) -> ProjectResult:
        node = await _result(writes.update_project(info.context.store, str(id), input_dict(input)))
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="Record what happened; the project becomes completed (unless cancelled).")
    async def record_outcome(self, info: Info, project_id: strawberry.ID, input: OutcomeInput) -> ProjectResult:
        outcome = input_dict(input, skip=("completed_at",))
        node = await _result(writes.record_outcome(info.context.store, str(project_id), outcome, input.completed_at))
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="A new name+version is a new node, linked NEW_VERSION_OF the previous version.")
    async def register_artifact(self, info: Info, input: RegisterArtifactInput) -> ArtifactResult:
        node = await _result(writes.register_artifact(info.context.store, input_dict(input)))
        return Artifact.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="Add a person to a project's team (a new person needs a name).")
    async def add_team_member(
        self, info: Info, project_id: strawberry.ID, person_id: strawberry.ID,
        role: str | None = None, name: str | None = None,
    ) -> ProjectResult:
        node = await _result(writes.add_team_member(info.context.store, str(project_id), str(person_id), role, name))
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="Record that a project used an artifact; idempotent per project+artifact+context.")
    async def log_artifact_usage(
        self, info: Info, project_id: strawberry.ID, artifact_id: strawberry.ID,
        context: str = "general", impact: float | None = None,
    ) -> ProjectResult:
        node = await _result(writes.log_artifact_usage(info.context.store, str(project_id), str(artifact_id), context, impact))
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation
    async def record_metric(
        self, info: Info, project_id: strawberry.ID, type: str, value: float,
        at: EpochMillis | None = None, source: str | None = None,
    ) -> MetricResult:
        node = await _result(writes.record_metric(info.context.store, str(project_id), type, value, at, source))
        return Metric.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="Delete a project with its metrics and predictions (admin only).")
    async def delete_project(self, info: Info, id: strawberry.ID) -> DeleteProjectResult:
        deleted = await _result(writes.delete_project(info.context.store, str(id), is_admin=info.context.is_admin))
        return DeletedProject(id=strawberry.ID(deleted)) if isinstance(deleted, str) else deleted


class MaestroSchema(strawberry.Schema):
    """Logs only the errors that are ours: a client's mistake is answered, not logged as a fault."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            original = error.original_error
            while isinstance(original, GraphQLError) and original.original_error is not None:
                original = original.original_error
            if original is None or isinstance(original, (MaestroError, GraphQLError)):
                log.debug("client error: %s", error.message)
            else:
                log.error("unexpected error at %s", error.path, exc_info=original)


def build_schema() -> strawberry.Schema:
    return MaestroSchema(
        config=StrawberryConfig(scalar_map=SCALARS),
        query=Query,
        mutation=Mutation,
        # factories, so that every request gets fresh extension instances
        extensions=[
            lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
            lambda: MaxTokensLimiter(max_token_count=5000),
            lambda: MaxAliasesLimiter(max_alias_count=30),
        ],
    )


schema = build_schema()


def sdl() -> str:
    return schema.as_str() + "\n"


