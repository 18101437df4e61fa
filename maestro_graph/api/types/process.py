"""GraphQL types of process signals: per-type summaries, velocity and DORA figures."""

from __future__ import annotations

import strawberry

from maestro_graph.api.types.common import EpochMillis
from maestro_graph.insight import process


@strawberry.type(description="One metric type of a project: how many points, the latest, the mean and the trend.")
class MetricSummary:
    type: str
    points: int
    latest: float
    latest_at: EpochMillis
    mean: float
    trend_per_week: float | None = strawberry.field(
        description="Least-squares slope of value over time, per week; null with fewer than two points.")

    @classmethod
    def of(cls, s: process.Summary | None) -> MetricSummary | None:
        if s is None:
            return None
        return cls(type=s.type, points=s.points, latest=s.latest, latest_at=EpochMillis(s.latest_at), mean=s.mean,
                   trend_per_week=s.trend_per_week)


@strawberry.type(description="Delivery velocity over a window that ends at the project's latest signal.")
class Velocity:
    window_start: EpochMillis | None
    window_end: EpochMillis | None
    commits_per_week: MetricSummary | None
    code_churn: MetricSummary | None = strawberry.field(description="Lines added + deleted per ISO week.")
    contributors: MetricSummary | None
    ci_success_rate: MetricSummary | None = strawberry.field(description="Mean of pipeline_success (0-1).")
    ci_duration_s: MetricSummary | None

    @classmethod
    def of(cls, v: process.Velocity) -> Velocity:
        return cls(window_start=v.window_start, window_end=v.window_end,  # type: ignore[arg-type]
                   commits_per_week=MetricSummary.of(v.commits_per_week), code_churn=MetricSummary.of(v.code_churn),
                   contributors=MetricSummary.of(v.contributors), ci_success_rate=MetricSummary.of(v.ci_success_rate),
                   ci_duration_s=MetricSummary.of(v.ci_duration_s))


@strawberry.type(description="A DORA figure, or null with the reason its data is missing.")
class DoraFigure:
    value: float | None
    reason: str | None
    samples: int

    @classmethod
    def of(cls, f: process.Figure) -> DoraFigure:
        return cls(value=f.value, reason=f.reason, samples=f.samples)


@strawberry.type(description="DORA's four keys by Apache DevLake's definitions (see the README).")
class Dora:
    window_start: EpochMillis | None
    window_end: EpochMillis | None
    deployment_days_per_week: DoraFigure
    lead_time_hours: DoraFigure
    change_failure_rate: DoraFigure
    time_to_restore_hours: DoraFigure

    @classmethod
    def of(cls, d: process.Dora) -> Dora:
        return cls(window_start=d.window_start, window_end=d.window_end,  # type: ignore[arg-type]
                   deployment_days_per_week=DoraFigure.of(d.deployment_days_per_week),
                   lead_time_hours=DoraFigure.of(d.lead_time_hours),
                   change_failure_rate=DoraFigure.of(d.change_failure_rate),
                   time_to_restore_hours=DoraFigure.of(d.time_to_restore_hours))
