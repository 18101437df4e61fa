"""How much of the exact top-10 a label's vector index finds, measured on this graph's own vectors.

Why: the index's efRuntime (400, cypher/falkordb/schema.cypher) was chosen on 100k real text
vectors, where it found every exact top-10 neighbour of a stored project and 0.997 of a new
spec's. Recall depends on the corpus, though: on isotropic synthetic vectors the same index found
0.69. A user's graph is neither, so `maestro embed` measures it there, with the service's own
statements, and says so when it is under TARGET, with the setting that trades speed for
exactness.

Queries are vectors of the other label when it has enough (texts that are not in the index, as a
spec or a search phrase is not), else the label's own vectors with the query node left out of
both answers. Only a label with more vectors than `embedding_exact_max_nodes` is checked: below
that the service searches exactly and recall is 1 by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from maestro_graph.store.port import GraphStore

TARGET = 0.95
QUERIES = 50
K = 10
SAMPLE = {"Project": "sample_project_vectors", "Artifact": "sample_artifact_vectors"}
ANN = {"Project": "project_neighbours_ann", "Artifact": "artifact_neighbours_ann"}
EXACT = {"Project": "project_neighbours_exact", "Artifact": "artifact_neighbours_exact"}


@dataclass(frozen=True)
class IndexRecall:
    label: str
    recall: float  # mean share of the exact top-K the index returned
    queries: int
    vectors: int  # how many nodes of the label hold a vector
    query_label: str  # whose vectors asked

    def line(self, exact_max_nodes: int) -> str:
        said = (f"{self.label} vector index: recall@{K} {self.recall:.3f} against exact search "
                f"({self.queries} {self.query_label.lower()} vectors as queries, {self.vectors} vectors)")
        if self.recall >= TARGET:
            return said
        return (f"{said}: under {TARGET}, so similar-item answers may miss close neighbours on this graph; "
                f"MAESTRO_EMBEDDING_EXACT_MAX_NODES={self.vectors} makes them exact (a full scan per query, "
                f"~60 ms at 100k; it is {exact_max_nodes} now)")


async def index_recall(store: GraphStore, label: str, *, exact_max_nodes: int, queries: int = QUERIES) -> IndexRecall | None:
    """The index's recall@K for `label`, or None when the service does not use the index for it."""
    own = await store.read(SAMPLE[label], {"n": queries})
    total = int(own[0]["total"]) if own else 0
    if total <= max(exact_max_nodes, K):
        return None
    other = "Artifact" if label == "Project" else "Project"
    asked = await store.read(SAMPLE[other], {"n": queries})
    query_label, rows = (other, asked) if len(asked) >= queries // 2 else (label, own)
    found = []
    for row in rows:
        skip = row["id"] if query_label == label else None
        exact = await _top(store, EXACT[label], row["vector"], skip)
        ann = await _top(store, ANN[label], row["vector"], skip)
        if exact:
            found.append(len(set(ann) & set(exact)) / len(exact))
    if not found:
        return None
    return IndexRecall(label, sum(found) / len(found), len(found), total, query_label)


async def _top(store: GraphStore, statement: str, vector: Any, skip: str | None) -> list[str]:
    """The K nearest ids by `statement`, `skip` (the query's own node) left out."""
    params = {"vector": list(vector), "k": K + (1 if skip else 0), "id": None}
    ids = [r["id"] for r in await store.read(statement, params) if r["id"] != skip]
    return ids[:K]
