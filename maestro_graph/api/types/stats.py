"""Types of the `projectStats` answer: figures per group of projects."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="How projectStats groups projects.")
class ProjectGroupBy(Enum):
    PROBLEM_CLASS = "problemClass"
    STATUS = "status"
    TEAM_SIZE = strawberry.enum_value("teamSize", description="buckets 0, 1-2, 3-5, 6-10, 11+")
    ARTIFACT_USE = strawberry.enum_value("artifactUse", description="used / not_used the artifact given as artifactId")


@strawberry.type(description="Figures of one group of projects.")
class ProjectGroupStats:
    key: str | None = strawberry.field(description="the group: a problem class, a status, a team-size bucket, used/not_used")
    count: int
    with_outcome: int = strawberry.field(description="how many have a recorded success/failure")
    success_rate: float | None = strawberry.field(description="share of successes among those with an outcome (0-1)")
    median_duration_days: float | None
    median_cost_usd: float | None
