"""The GraphQL schema: queries and mutations. Resolvers translate; the service layer decides."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from maestro_graph.api.auth import CanAdmin, CanEdit
from maestro_graph.api.documents import DocumentGate, parse_cached
from maestro_graph.api.execution import PlainFieldsExecutionContext
from maestro_graph.api.extension import RequestPolicy
from maestro_graph.api.mutations.keys import KeysMutation
from maestro_graph.api.queries.analytics import AnalyticsQuery
from maestro_graph.api.queries.keys import KeysQuery
from maestro_graph.api.queries.learning import LearningQuery
from maestro_graph.api.queries.process import ProcessQuery
from maestro_graph.api.prefetch import prefetch_connection, prefetch_node
from maestro_graph.api.selection import selects
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
from maestro_graph.api.queries.similarity import SimilarityQuery, similarity_of
from maestro_graph.errors import MaestroError
from maestro_graph.service import reads, writes
from maestro_graph.similarity.search import hybrid_search

log = logging.getLogger("maestro.api")
T = TypeVar("T")


@strawberry.type(description="A search hit: the artifact, its fused rank score, its impactScore and why it matched.")
class ArtifactSearchEdge(Edge):
    node: Artifact
    score: float
    impact_score: float | None
    usage_count: int
    reasons: list[str] = strawberry.field(default_factory=list, description='e.g. "matching terms: fraud", '
                                          '"similar meaning (0.41)"')


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


def _changed(info: Info, label: str | None = None, node: Any = None) -> None:
    """After a successful write: similarity caches are stale; a node's text may need a vector."""
    runtime = info.context.embedding
    if runtime is not None and not isinstance(node, MutationError):
        runtime.changed(info.context.store.graph, label, node["id"] if isinstance(node, dict) and label else None)


async def _result(call: Awaitable[T]) -> T | MutationError:
    """Domain errors become a typed result; anything else propagates and is masked."""
    try:
        return await call
    except MaestroError as exc:
        return MutationError(code=ErrorCode(exc.code), message=exc.message, field=exc.field)


@strawberry.type
class Query(ProcessQuery, KeysQuery, AnalyticsQuery, SimilarityQuery, LearningQuery):
    @strawberry.field
    async def project(self, info: Info, id: strawberry.ID) -> Project | None:
        node = await info.context.loaders.node("Project").load(str(id))
        await prefetch_node(info, "Project", node and node["id"])
        return Project.from_node(node) if node else None

    @strawberry.field(description="Projects matching `where`, ordered, paged (`first` ≤ 100).")
    async def projects(
        self, info: Info, where: ProjectWhere | None = None, order_by: ProjectOrder | None = None,
        first: int | None = None, after: str | None = None,
    ) -> ProjectConnection:
        order = order_by or ProjectOrder()
        page = await reads.list_nodes(
            info.context.store, "Project", to_where(where), order.field.value, order.direction.value == "DESC",
            info.context.loaders.first(first), after, count=selects(info, "totalCount"),
        )
        await prefetch_connection(info, "Project", page)
        return ProjectConnection.of(page, lambda c, r: ProjectEdge(offset=c, node=Project.from_node(r["node"])))

    @strawberry.field
    async def artifact(self, info: Info, id: strawberry.ID) -> Artifact | None:
        node = await info.context.loaders.node("Artifact").load(str(id))
        await prefetch_node(info, "Artifact", node and node["id"])
        return Artifact.from_node(node) if node else None

    @strawberry.field(description="Artifacts matching `where`, ordered, paged (`first` ≤ 100).")
    async def artifacts(
        self, info: Info, where: ArtifactWhere | None = None, order_by: ArtifactOrder | None = None,
        first: int | None = None, after: str | None = None,
    ) -> ArtifactConnection:
        order = order_by or ArtifactOrder()
        page = await reads.list_nodes(
            info.context.store, "Artifact", to_where(where), order.field.value, order.direction.value == "DESC",
            info.context.loaders.first(first), after, count=selects(info, "totalCount"),
        )
        await prefetch_connection(info, "Artifact", page)
        return ArtifactConnection.of(page, lambda c, r: ArtifactEdge(offset=c, node=Artifact.from_node(r["node"])))

    @strawberry.field
    async def person(self, info: Info, id: strawberry.ID) -> Person | None:
        node = await info.context.loaders.node("Person").load(str(id))
        await prefetch_node(info, "Person", node and node["id"])
        return Person.from_node(node) if node else None

    @strawberry.field(description="Hybrid search over artifacts: full-text and embedding hits fused by rank, with "
                                  "filters; each hit says why it matched. Without a query: filters only, best impact first.")
    async def search_artifacts(
        self, info: Info, query: str | None = None, type: ArtifactType | None = None,  # type: ignore[valid-type]
        tags: list[str] | None = None, min_impact_score: float | None = None,
        first: int | None = None, after: str | None = None,
    ) -> ArtifactSearchConnection:
        args = info.context.loaders.page_args(first, after)
        if query and query.strip():
            page = await hybrid_search(
                info.context.store, similarity_of(info), query, type.value if type else None, tags or [],
                min_impact_score, args, min_similarity=info.context.settings.search_min_similarity,
            )
        else:
            page = await reads.search_artifacts(
                info.context.store, query, type.value if type else None, tags or [], min_impact_score, args,
            )
        return ArtifactSearchConnection.of(page, lambda c, r: ArtifactSearchEdge(
            offset=c, node=Artifact.from_node(r["node"]), score=float(r["score"] or 0.0),
            impact_score=r["impact"], usage_count=int(r["uses"]), reasons=r.get("reasons", [])))


@strawberry.type
class Mutation(KeysMutation):
    @strawberry.mutation(permission_classes=[CanEdit])
    async def create_project(self, info: Info, input: CreateProjectInput) -> ProjectResult:
        data = input_dict(input, skip=("id",))
        node = await _result(writes.create_project(info.context.store, data, str(input.id) if input.id else None,
                                                   by=info.context.principal.id))
        _changed(info, "Project", node)
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(permission_classes=[CanEdit])
    async def update_project(self, info: Info, id: strawberry.ID, input: UpdateProjectInput) -> ProjectResult:
        node = await _result(writes.update_project(info.context.store, str(id), input_dict(input), by=info.context.principal.id))
        _changed(info, "Project", node)
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="Record what happened; the project becomes completed (unless cancelled).",
                         permission_classes=[CanEdit])
    async def record_outcome(self, info: Info, project_id: strawberry.ID, input: OutcomeInput) -> ProjectResult:
        outcome = input_dict(input, skip=("completed_at",))
        node = await _result(writes.record_outcome(info.context.store, str(project_id), outcome, input.completed_at,
                                                   by=info.context.principal.id))
        _changed(info)
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="A new name+version is a new node, linked NEW_VERSION_OF the previous version.",
                         permission_classes=[CanEdit])
    async def register_artifact(self, info: Info, input: RegisterArtifactInput) -> ArtifactResult:
        node = await _result(writes.register_artifact(info.context.store, input_dict(input), by=info.context.principal.id))
        _changed(info, "Artifact", node)
        return Artifact.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="Add a person to a project's team (a new person needs a name).",
                         permission_classes=[CanEdit])
    async def add_team_member(
        self, info: Info, project_id: strawberry.ID, person_id: strawberry.ID,
        role: str | None = None, name: str | None = None,
    ) -> ProjectResult:
        node = await _result(writes.add_team_member(info.context.store, str(project_id), str(person_id), role, name,
                                                    by=info.context.principal.id))
        _changed(info, None, node)
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="Record that a project used an artifact; idempotent per project+artifact+context.",
                         permission_classes=[CanEdit])
    async def log_artifact_usage(
        self, info: Info, project_id: strawberry.ID, artifact_id: strawberry.ID,
        context: str = "general", impact: float | None = None,
    ) -> ProjectResult:
        node = await _result(writes.log_artifact_usage(info.context.store, str(project_id), str(artifact_id), context, impact,
                                                       by=info.context.principal.id))
        _changed(info, None, node)
        return Project.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="Record one metric point; an existing (project, type, at) point is a CONFLICT "
                                     "unless `replace: true`.", permission_classes=[CanEdit])
    async def record_metric(
        self, info: Info, project_id: strawberry.ID, type: str, value: float,
        at: EpochMillis | None = None,
        # not `source`: Strawberry's PermissionExtension takes the parent object by that keyword
        metric_source: Annotated[str | None, strawberry.argument(name="source")] = None, replace: bool = False,
    ) -> MetricResult:
        node = await _result(writes.record_metric(info.context.store, str(project_id), type, value, at, metric_source,
                                                  replace=replace, by=info.context.principal.id))
        return Metric.from_node(node) if isinstance(node, dict) else node

    @strawberry.mutation(description="Delete a project with its metrics and predictions (admin only).",
                         permission_classes=[CanAdmin])
    async def delete_project(self, info: Info, id: strawberry.ID) -> DeleteProjectResult:
        deleted = await _result(writes.delete_project(info.context.store, str(id), is_admin=info.context.is_admin,
                                                      by=info.context.principal.id))
        _changed(info, None, deleted)
        return DeletedProject(id=strawberry.ID(deleted)) if isinstance(deleted, str) else deleted


def unexpected(error: GraphQLError) -> bool:
    """A fault of ours (not a domain error, not a complaint about the query): mask it.

    An error with a path and no cause arose while executing (e.g. a null for a non-null field):
    that is ours too, never a validation error of the client's.
    """
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if original is None:
        return error.path is not None
    return not isinstance(original, (MaestroError, GraphQLError))


class MaestroSchema(strawberry.Schema):
    """Logs only the errors that are ours: a client's mistake is answered, not logged as a fault."""

    gate: DocumentGate

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        operation = getattr(execution_context, "operation_name", None) or "anonymous"
        for error in errors:
            if unexpected(error):
                log.error("unexpected error in operation %s at %s", operation, error.path, exc_info=error.original_error)
            else:
                log.debug("client error in operation %s: %s", operation, error.message)


@functools.lru_cache(maxsize=8)
def build_schema(*, introspection: bool = True, max_hops: int = 4, max_nodes: int = 50_000,
                 default_first: int = 20, max_first: int = 100) -> strawberry.Schema:
    """One schema per distinct limit settings (cached: building one takes a while)."""
    gate = DocumentGate(introspection=introspection, max_hops=max_hops, max_nodes=max_nodes,
                        default_first=default_first, max_first=max_first)
    built = MaestroSchema(
        config=StrawberryConfig(scalar_map=SCALARS),
        query=Query,
        mutation=Mutation,
        # a factory, so that every request gets a fresh instance; the caches are the gate's
        extensions=[RequestPolicy.factory(gate, unexpected)],
        execution_context_class=PlainFieldsExecutionContext,
    )
    built.gate = gate
    return built


schema = build_schema()


def query_cost(built: strawberry.Schema) -> Callable[[str, str | None, dict[str, Any] | None], float]:
    """Rate-limit points of a request to `built`, from the cached document (1 when it will not run)."""
    gate: DocumentGate = built.gate  # type: ignore[attr-defined]

    def cost(query: str, operation_name: str | None, variables: dict[str, Any] | None) -> float:
        document = parse_cached(query)
        if isinstance(document, GraphQLError):
            return 1.0
        shape = gate.shape(built._schema, document, operation_name, variables, query)
        if shape is None or gate.limit_errors(shape):
            return 1.0  # refused before it runs: it costs the server next to nothing
        return shape.cost

    return cost


def sdl() -> str:
    return schema.as_str() + "\n"


