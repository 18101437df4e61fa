"""Process-signal queries: metricsSummary, velocity, dora. Resolvers only call the service."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from maestro_graph.api.types.process import Dora, MetricSummary, Velocity
from maestro_graph.insight import process


@strawberry.type
class ProcessQuery:
    @strawberry.field(description="Every metric type of a project: latest value, mean and trend.")
    async def metrics_summary(self, info: Info, project_id: strawberry.ID) -> list[MetricSummary]:
        summaries = await process.metrics_summary(info.context.store, str(project_id))
        return [s for s in map(MetricSummary.of, summaries) if s is not None]

    @strawberry.field(description="Commits, churn, contributors and CI over the last `windowDays` of signals.")
    async def velocity(self, info: Info, project_id: strawberry.ID, window_days: int = 90) -> Velocity:
        return Velocity.of(await process.velocity(info.context.store, str(project_id), window_days))

    @strawberry.field(description="DORA keys (DevLake definitions) over the last `windowDays` of signals.")
    async def dora(self, info: Info, project_id: strawberry.ID, window_days: int = 90) -> Dora:
        return Dora.of(await process.dora(info.context.store, str(project_id), window_days))
