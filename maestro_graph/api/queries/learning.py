"""Query fields of the meta-model: thin resolvers over `service/learning.py`."""

from __future__ import annotations

import math

import strawberry
from strawberry.types import Info

from maestro_graph.api.types.learning import (
    Backtest,
    Interval,
    ModelInfo,
    OutcomePrediction,
    Quantiles,
    RecommendationInput,
    Recommendations,
    RecommendedArtifactConnection,
    RecommendedArtifactEdge,
    TaskInfo,
    TeamSizePoint,
)
from maestro_graph.api.types.nodes import Artifact
from maestro_graph.service import learning
from maestro_graph.service.pages import encode_cursor


def _quantiles(q: tuple[float, float, float] | None) -> Quantiles | None:
    return Quantiles(p10=q[0], p50=q[1], p90=q[2]) if q else None


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


async def _connection(info: Info, ranked: list[learning.Recommended]) -> RecommendedArtifactConnection:
    nodes = await info.context.loaders.node("Artifact").load_many([r.artifact_id for r in ranked])
    edges = [
        RecommendedArtifactEdge(node=Artifact.from_node(n), score=r.score, reasons=r.reasons, cursor=encode_cursor(i))
        for i, (r, n) in enumerate(zip(ranked, nodes, strict=True)) if n
    ]
    return RecommendedArtifactConnection(total_count=len(edges), edges=edges)


def _outcome(o: learning.Outcome) -> OutcomePrediction:
    return OutcomePrediction(
        success_probability=o.success_probability, success_interval=Interval(low=o.success_low, high=o.success_high),
        duration_days=_quantiles(o.duration), cost_usd=_quantiles(o.cost),
        model_version=o.model_version, created_at=o.created_at, explanation=o.explanation,
    )


@strawberry.type
class LearningQuery:
    @strawberry.field(description="Artifacts this project does not use yet, best first (cold start included).")
    async def recommend_artifacts(self, info: Info, project_id: strawberry.ID, k: int = 10) -> RecommendedArtifactConnection:
        ctx = info.context
        return await _connection(info, await learning.recommend_artifacts(ctx.store, ctx.settings.data_dir, str(project_id), k))

    @strawberry.field(description="Predicted success, duration and cost (stored as a Prediction FOR the project).")
    async def predict_outcome(self, info: Info, project_id: strawberry.ID) -> OutcomePrediction:
        ctx = info.context
        return _outcome(await learning.predict_outcome(ctx.store, ctx.settings.data_dir, str(project_id)))

    @strawberry.field(description="Advice for a planned project: team size (associational curve), artifacts, outcome.")
    async def recommendations(self, info: Info, input: RecommendationInput) -> Recommendations:
        advice = await learning.plan_advice(
            info.context.settings.data_dir, input.problem_class, input.complexity_score, input.team_size,
            input.description, list(input.tags),
        )
        curve = [TeamSizePoint(team_size=pt["teamSize"], success_probability=pt["successProbability"],
                               interval=Interval(low=pt["low"], high=pt["high"]),
                               similar_projects=pt["similarProjects"], extrapolated=pt["extrapolated"])
                 for pt in advice.team_curve]
        return Recommendations(
            recommended_team_size=advice.recommended_team_size, team_size_curve=curve, note=advice.note,
            artifacts=await _connection(info, advice.artifacts),
            predicted_outcome=_outcome(advice.outcome) if advice.outcome else None,
        )

    @strawberry.field(description="The served model: version, per task the chosen method, baselines, metrics, backtest.")
    async def model_info(self, info: Info) -> ModelInfo:
        ctx = info.context
        data = await learning.model_info(ctx.store, ctx.settings.data_dir)
        tasks = [
            TaskInfo(task=name, chosen=row.get("chosen"), reason=row.get("reason", ""), metrics=row.get("test") or {})
            for name, row in data["evaluation"]["tasks"].items()
        ]
        bt = data["backtest"]
        return ModelInfo(
            version=data["version"], trained_at=data["trainedAt"], data_fingerprint=data["dataFingerprint"],
            tasks=tasks, backtest=Backtest(n=bt["n"], brier=_num(bt["brier"]), duration_coverage=_num(bt["durationCoverage"])),
        )

