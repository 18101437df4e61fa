"""Project figures per group: what a team lead asks before starting a project.

Grouping keys are fixed Cypher expressions chosen by name (never built from input); the filter
is the same compiled `where` as `projects`, and every figure is aggregated in the store, so the
answer costs one statement whatever the number of projects.
"""

from __future__ import annotations

from dataclasses import dataclass

from maestro_graph.errors import InvalidInput
from maestro_graph.service.compile import compile_where
from maestro_graph.service.filters import PROJECTS, TEAM_SIZE, Where, check_size, resolve_relations
from maestro_graph.store.port import GraphStore

# Team-size buckets: (upper bound inclusive, label), then "11+".
TEAM_BUCKETS = ((0, "0"), (2, "1-2"), (5, "3-5"), (10, "6-10"))
OVER_LAST_BUCKET = "11+"


def team_bucket(size: int) -> str:
    """The bucket label of a team size (the same rule as the store's expression below)."""
    for bound, label in TEAM_BUCKETS:
        if size <= bound:
            return label
    return OVER_LAST_BUCKET


_BUCKET_EXPR = "CASE " + " ".join(
    f"WHEN {TEAM_SIZE} <= {bound} THEN '{label}'" for bound, label in TEAM_BUCKETS
) + f" ELSE '{OVER_LAST_BUCKET}' END"

GROUPS: dict[str, str] = {
    "problemClass": "n.problemClass",
    "status": "n.status",
    "teamSize": _BUCKET_EXPR,
    "artifactUse": "CASE WHEN size([(n)-[:USED]->(:Artifact {id: $artifact}) | 1]) > 0 THEN 'used' ELSE 'not_used' END",
}


@dataclass(frozen=True)
class GroupStats:
    key: str | None
    count: int
    with_outcome: int
    success_rate: float | None
    median_duration_days: float | None
    median_cost_usd: float | None


async def project_stats(
    store: GraphStore, group_by: str, where: Where | None, artifact_id: str | None
) -> list[GroupStats]:
    """Count, success rate (over known outcomes), median duration and cost per group.

    Grouping by artifact use splits the matching projects into those that used `artifact_id`
    and those that did not; it needs that id, and the other groupings ignore it.
    """
    if group_by not in GROUPS:
        raise InvalidInput(f"cannot group by {group_by}", "groupBy")
    if group_by == "artifactUse" and not artifact_id:
        raise InvalidInput("grouping by artifact use needs artifactId", "artifactId")
    check_size(where)
    where = await resolve_relations(store, PROJECTS, where)
    compiled = compile_where(PROJECTS, where, store.dialect)
    rows = await store.read(
        "project_stats", {**compiled.params, "artifact": artifact_id},
        fill={**compiled.fill, "GROUP": GROUPS[group_by]},
    )
    return [
        GroupStats(
            key=None if row["key"] is None else str(row["key"]), count=row["count"], with_outcome=row["withOutcome"],
            success_rate=row["successRate"] if row["withOutcome"] else None,
            median_duration_days=row["medianDurationDays"] if row["withDuration"] else None,
            median_cost_usd=row["medianCostUsd"] if row["withCost"] else None,
        )
        for row in rows
    ]
