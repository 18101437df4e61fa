"""Query fields for exploring people and comparing groups of projects."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from maestro_graph.api.prefetch import prefetch_connection
from maestro_graph.api.selection import selects
from maestro_graph.api.types.inputs import PersonOrder, PersonWhere, ProjectWhere, to_where
from maestro_graph.api.types.nodes import Person, PersonConnection, PersonEdge
from maestro_graph.api.types.stats import ProjectGroupBy, ProjectGroupStats
from maestro_graph.service import reads, stats


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(description="People matching `where` (name, role, skills), ordered, paged (`first` ≤ 100).")
    async def persons(
        self, info: Info, where: PersonWhere | None = None, order_by: PersonOrder | None = None,
        first: int | None = None, after: str | None = None,
    ) -> PersonConnection:
        order = order_by or PersonOrder()
        page = await reads.list_nodes(
            info.context.store, "Person", to_where(where), order.field.value, order.direction.value == "DESC",
            info.context.loaders.first(first), after, count=selects(info, "totalCount"),
        )
        await prefetch_connection(info, "Person", page)
        return PersonConnection.of(page, lambda c, r: PersonEdge(offset=c, node=Person.from_node(r["node"])))

    @strawberry.field(description=(
        "Count, success rate, median duration and cost of the projects matching `where`, per group. "
        "Grouping by ARTIFACT_USE needs `artifactId`."
    ))
    async def project_stats(
        self, info: Info, group_by: ProjectGroupBy, where: ProjectWhere | None = None,
        artifact_id: strawberry.ID | None = None,
    ) -> list[ProjectGroupStats]:
        groups = await stats.project_stats(
            info.context.store, group_by.value, to_where(where), str(artifact_id) if artifact_id else None)
        return [ProjectGroupStats(
            key=g.key, count=g.count, with_outcome=g.with_outcome, success_rate=g.success_rate,
            median_duration_days=g.median_duration_days, median_cost_usd=g.median_cost_usd) for g in groups]
