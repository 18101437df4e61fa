"""Cold-start quality of `similarProjects` on real data, against three baselines.

Data: bench/data/python_distributions.jsonl (see bench/data/PROVENANCE.md): each Python
distribution is a project, the libraries it requires are the artifacts it reused.

Protocol (cold start): the projects that require something are split into `--folds` folds. For
each fold, a graph is imported with every project and artifact but WITHOUT any edge of the
held-out projects (as if they were new); vectors are written for every project. For each
held-out project, the artifacts its neighbours used are ranked by a neighbour vote
(score(a) = sum of similarity(q, n) over the top-`--neighbours` n that used a) and compared
with what it really required: recall@10 and nDCG@10. Systems:

- `similar_projects`: the service behind the GraphQL field (semantic + TF-IDF + graph, fused with
  weights learned on the fold's graph, or RRF), through the real store;
- `tfidf_knn`, `embedding_knn`: the same vote over plain TF-IDF / all-MiniLM-L6-v2 cosine kNN;
- `popularity`: the artifacts most used in the fold's graph.

Prints one JSON object: per system the mean with a 95% bootstrap CI, and paired-bootstrap
differences of `similar_projects` against each baseline.

    .venv/bin/python bench/similarity_quality.py [--folds 5] [--neighbours 10]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness

from maestro_graph.api.embedding import make_encoder
from maestro_graph.config import Settings
from maestro_graph.embed.texts import node_text, text_hash
from maestro_graph.evaluation.bootstrap import mean_ci, paired_difference
from maestro_graph.evaluation.metrics import ndcg_binary, recall_at_k
from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.similarity.service import Similarity, similar_projects
from maestro_graph.similarity.snapshot import LexicalIndex, SnapshotCache
from maestro_graph.store.falkordb import FalkorDBStore

DATA = Path(__file__).parent / "data" / "python_distributions.jsonl"
K = 10


def tags(rec: dict[str, Any]) -> list[str]:
    out = [re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-")[:64] for t in rec["keywords"] + rec["topics"]]
    return list(dict.fromkeys(t for t in out if t))[:10]


def records(catalogue: list[dict[str, Any]], held_out: set[str]) -> list[dict[str, Any]]:
    summaries = {r["name"]: r["summary"] for r in catalogue}
    artifacts = sorted({a for r in catalogue for a in r["requires"]})
    out: list[dict[str, Any]] = []
    out += [{"kind": "project", "id": f"p:{r['name']}", "name": r["name"], "problemClass": "other",
             "description": (r["summary"] + ". " + r["description"])[:2000], "tags": tags(r)} for r in catalogue]
    out += [{"kind": "artifact", "id": f"a:{a}", "name": a, "artifactType": "library", "version": "1.0.0",
             "description": summaries.get(a) or a} for a in artifacts]
    out += [{"kind": "usage", "project": f"p:{r['name']}", "artifact": f"a:{a}", "context": "requires"}
            for r in catalogue if r["name"] not in held_out for a in r["requires"]]
    return out


def vote(neighbours: list[tuple[str, float]], used: dict[str, set[str]], exclude: set[str] = frozenset()) -> list[str]:
    scores: Counter[str] = Counter()
    for n, s in neighbours:
        for a in used.get(n, ()):
            scores[a] += max(s, 1e-6)
    return [a for a, _ in scores.most_common() if a not in exclude]


def knn(sims: list[float], names: list[str], q: int, k: int) -> list[tuple[str, float]]:
    order = sorted((i for i in range(len(names)) if i != q), key=lambda i: -sims[i])[:k]
    return [(names[i], float(sims[i])) for i in order]


@dataclass
class Catalogue:
    """The evaluation set, encoded once, and what every system of a fold shares (the real-data
    benches of #15 and #17 run the same protocol on it)."""

    records: list[dict[str, Any]]
    names: list[str]
    requires: dict[str, set[str]]
    queries: list[str]  # the projects that require something: the cold-start queries
    texts: list[str]
    vectors: Any  # one all-MiniLM-L6-v2 vector per project
    semantic: Any  # cosine similarity matrices, project x project
    lexical: Any
    model: str
    encode_seconds: float

    def held_out(self, fold: int, folds: int) -> set[str]:
        return {q for i, q in enumerate(self.queries) if i % folds == fold}

    async def fold_graph(self, root: FalkorDBStore, graph: str, held: set[str]) -> FalkorDBStore:
        """A fresh graph with every project and artifact, and no edge of the held-out projects."""
        store = root.for_graph(graph)
        await store.drop_graph(store.graph)
        await store.bootstrap()
        await import_lines(store, [json.dumps(r) for r in records(self.records, held)], batch_size=1000)
        return store

    async def write_vectors(self, store: FalkorDBStore) -> None:
        """Every project's vector, as `maestro embed` leaves them."""
        await store.write("set_project_embeddings", {"rows": [
            {"id": f"p:{n}", "vector": self.vectors[i].tolist(), "model": self.model, "hash": text_hash(self.texts[i])}
            for i, n in enumerate(self.names)]})

    def baselines(self, q: str, held: set[str], neighbours: int) -> dict[str, list[str]]:
        """Popularity and the TF-IDF / embedding kNN votes for one held-out project."""
        used = {n: self.requires[n] for n in self.names if n not in held}
        row = self.names.index(q)
        return {
            "tfidf_knn": vote(knn(self.lexical[row], self.names, row, neighbours), used),
            "embedding_knn": vote(knn(self.semantic[row], self.names, row, neighbours), used),
            "popularity": [a for a, _ in Counter(a for n in used for a in used[n]).most_common()],
        }

    def inputs(self, folds: int, neighbours: int) -> dict[str, Any]:
        return {"data": str(DATA.relative_to(Path(__file__).parent.parent)), "projects": len(self.names),
                "artifacts": len({a for r in self.records for a in r["requires"]}), "queries": len(self.queries),
                "folds": folds, "neighbours": neighbours, "model": self.model}


def load_catalogue(encoder: Any) -> Catalogue:
    """Read and encode the catalogue (the encoder of `make_encoder`)."""
    import numpy as np

    catalogue = [json.loads(line) for line in DATA.read_text().splitlines()]
    names = [r["name"] for r in catalogue]
    requires = {r["name"]: set(r["requires"]) for r in catalogue}
    texts = [node_text("Project", {"name": r["name"], "description": (r["summary"] + ". " + r["description"])[:2000],
                                   "problemClass": "other", "tags": tags(r)}) for r in catalogue]
    started = time.perf_counter()
    vectors = np.array(encoder.encode(texts))
    encode_s = time.perf_counter() - started
    lexical_index = LexicalIndex(texts)
    return Catalogue(catalogue, names, requires, sorted(n for n in names if requires[n]), texts, vectors,
                     vectors @ vectors.T, (lexical_index.matrix @ lexical_index.matrix.T).toarray(), encoder.name,
                     encode_s)


def score(per_system: dict[str, dict[str, list[float]]], ranked: dict[str, list[str]], truth: set[str]) -> None:
    for system, items in ranked.items():
        per_system[system]["recall@10"].append(recall_at_k(items, truth, K))
        per_system[system]["ndcg@10"].append(ndcg_binary(items, truth, K))


async def measure(server: Any, folds: int, neighbours: int) -> dict[str, Any]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    encoder = make_encoder(settings)
    assert encoder is not None
    data = load_catalogue(encoder)
    root = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="unused")
    per_system: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"recall@10": [], "ndcg@10": []})
    fusions = []
    for fold in range(folds):
        held = data.held_out(fold, folds)
        store = await data.fold_graph(root, f"quality_{fold}", held)
        await data.write_vectors(store)
        sim = Similarity(encoder, SnapshotCache(3600), settings.embedding_exact_max_nodes)
        used = {n: data.requires[n] for n in data.names if n not in held}
        for q in sorted(held):
            hits = await similar_projects(store, sim, project_id=f"p:{q}", spec=None, k=neighbours)
            score(per_system, {"similar_projects": vote([(h.id[2:], h.score) for h in hits], used),
                               **data.baselines(q, held, neighbours)}, data.requires[q])
        w = (await sim.cache.get(store)).fusion
        fusions.append(None if w is None else {"method": w.method, "semantic": w.semantic, "lexical": w.lexical,
                                               "graph": w.graph, "cv_ndcg": w.cv_ndcg, "rrf_ndcg": w.rrf_ndcg})
        await store.drop_graph(store.graph)
    await root.close()

    results = {s: {m: mean_ci(v) for m, v in metrics.items()} for s, metrics in per_system.items()}
    ours = per_system["similar_projects"]
    differences = {f"similar_projects - {s}": {m: paired_difference(ours[m], per_system[s][m]) for m in ours}
                   for s in per_system if s != "similar_projects"}
    return {
        "inputs": data.inputs(folds, neighbours),
        "results": results,
        "paired_differences": differences,
        "fusion_per_fold": fusions,
        "encode_seconds": round(data.encode_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--neighbours", type=int, default=10)
    args = parser.parse_args()
    harness.run(lambda server: measure(server, args.folds, args.neighbours))


if __name__ == "__main__":
    main()
