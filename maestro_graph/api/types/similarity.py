"""GraphQL types of "projects like mine": the unsaved spec, and ranked edges that say why."""

from __future__ import annotations

from typing import Any

import strawberry

from maestro_graph.api.types.common import Connection, Edge, ProblemClass
from maestro_graph.api.types.nodes import Project


@strawberry.input(description="A project that is not saved: what is known before it starts.")
class ProjectSpecInput:
    name: str | None = None
    description: str | None = None
    problem_class: ProblemClass | None = None  # type: ignore[valid-type]
    complexity_score: int | None = None
    tags: list[str] | None = None
    team_size: int | None = strawberry.field(default=None, description="accepted for the recommendation inputs; "
                                             "similarity does not use it")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "problemClass": self.problem_class.value if self.problem_class else None,
                "complexityScore": self.complexity_score, "tags": self.tags}


@strawberry.type(description="Each kind of evidence, in [0, 1]: embedding cosine, TF-IDF cosine, shared graph.")
class SimilarityBreakdown:
    semantic: float
    lexical: float
    graph: float


@strawberry.type(description="A similar project: the fused score, its parts, and short reasons.")
class SimilarProjectEdge(Edge):
    node: Project
    score: float
    breakdown: SimilarityBreakdown
    reasons: list[str]


@strawberry.type(description="Projects ranked by similarity, best first; `fusion` says how the parts were combined.")
class SimilarProjectConnection(Connection[SimilarProjectEdge]):
    fusion: str = strawberry.field(default="rrf", description="`learned` (weights fitted on this graph) or `rrf`")
