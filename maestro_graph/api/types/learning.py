"""GraphQL types of the meta-model's answers: ranked artifacts, outcome predictions, model info."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from maestro_graph.api.types.nodes import Artifact


@strawberry.type(description="A recommended artifact: its score under the served ranker and why.")
class RecommendedArtifactEdge:
    node: Artifact
    score: float
    reasons: list[str]
    cursor: str


@strawberry.type
class RecommendedArtifactConnection:
    total_count: int
    edges: list[RecommendedArtifactEdge]


@strawberry.type(description="A probability interval (80%).")
class Interval:
    low: float
    high: float


@strawberry.type(description="Quantiles on the original scale, conformalised so P10-P90 covers ~80%.")
class Quantiles:
    p10: float
    p50: float
    p90: float


@strawberry.type(description="What the served model predicts for a project; stored as a Prediction FOR it.")
class OutcomePrediction:
    success_probability: float
    success_interval: Interval
    duration_days: Quantiles | None
    cost_usd: Quantiles | None
    model_version: str
    created_at: float
    explanation: list[str]


@strawberry.type(description="One task of the meta-model: the served method, why, and every baseline's test metrics.")
class TaskInfo:
    task: str
    chosen: str | None
    reason: str
    metrics: JSON


@strawberry.type(description="A backtest of stored predictions against outcomes that arrived after them.")
class Backtest:
    n: int
    brier: float | None
    duration_coverage: float | None


@strawberry.type
class ModelInfo:
    version: str
    trained_at: str
    data_fingerprint: str
    tasks: list[TaskInfo]
    backtest: Backtest


@strawberry.input(description="A project being planned: what is known before it starts.")
class RecommendationInput:
    problem_class: str = strawberry.field(
        description="a class, in any case (nlp, NLP), or a finer name read as imports read it (object_detection: vision)")
    complexity_score: float
    team_size: int | None = None
    description: str = ""
    tags: list[str] = strawberry.field(default_factory=list)


@strawberry.type(description="Predicted success at one team size (associational), with its interval.")
class TeamSizePoint:
    team_size: int
    success_probability: float
    interval: Interval
    similar_projects: int
    extrapolated: bool


@strawberry.type
class Recommendations:
    recommended_team_size: int | None
    team_size_curve: list[TeamSizePoint]
    note: str
    artifacts: RecommendedArtifactConnection
    predicted_outcome: OutcomePrediction | None
