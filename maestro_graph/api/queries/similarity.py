"""`similarProjects`: a resolver that translates arguments and wraps the service's answer."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from maestro_graph.api.types.nodes import Project
from maestro_graph.api.types.similarity import (
    ProjectSpecInput, SimilarityBreakdown, SimilarProjectConnection, SimilarProjectEdge,
)
from maestro_graph.service import reads
from maestro_graph.service.pages import Page
from maestro_graph.similarity.service import Similarity, similar_projects


def similarity_of(info: Info) -> Similarity:
    runtime = info.context.embedding
    if runtime is None:  # an app built without its lifespan (never in serving): no model, no cache
        return Similarity(None)
    return runtime.similarity


@strawberry.type
class SimilarityQuery:
    @strawberry.field(description="Projects most like a stored project (never itself) or an unsaved spec; "
                                  "give exactly one of `projectId` and `spec`. `k` ≤ 100.")
    async def similar_projects(
        self, info: Info, project_id: strawberry.ID | None = None, spec: ProjectSpecInput | None = None, k: int = 10,
    ) -> SimilarProjectConnection:
        sim = similarity_of(info)
        hits = await similar_projects(info.context.store, sim, project_id=str(project_id) if project_id else None,
                                      spec=spec.to_dict() if spec else None, k=k)
        nodes = await reads.nodes_by_id(info.context.store, "Project", [h.id for h in hits])
        rows = [{"node": n, "hit": h} for n, h in zip(nodes, hits) if n is not None]
        connection = SimilarProjectConnection.of(Page(rows, len(rows), 0), lambda c, r: SimilarProjectEdge(
            offset=c, node=Project.from_node(r["node"]), score=r["hit"].score,
            breakdown=SimilarityBreakdown(semantic=r["hit"].semantic, lexical=r["hit"].lexical, graph=r["hit"].graph),
            reasons=r["hit"].reasons))
        snap_fusion = (await sim.cache.get(info.context.store)).fusion
        connection.fusion = snap_fusion.method if snap_fusion else "rrf"
        return connection
