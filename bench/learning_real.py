"""The meta-model's artifact recommender on real public data, against the issue's baselines (#17).

Data: bench/data/python_distributions.jsonl (see bench/data/PROVENANCE.md): each Python
distribution is a project, the libraries it requires are the artifacts it reused.

Protocol: the cold-start one of bench/similarity_quality.py. The projects that require something
are split into `--folds` folds; for each fold a graph holds every project and artifact but no edge
of the held-out projects, and every project carries its all-MiniLM-L6-v2 vector (as after
`maestro embed`). The meta-model is trained on that graph exactly as `maestro train` does
(`gnn.train.train`), then each held-out project is ranked by:

- `served`: the served recommender (`ServedModel.recommend`, the method `maestro train` chose on
  its own validation split), with stored embeddings as text features (the default after `maestro
  embed`), and `served_tfidf`: the same with the vectors left out (TF-IDF + SVD text features);
- `reranker`: the meta-model's learned re-ranker over its signals, whether chosen or not;
- baselines: `popularity`, `cooccurrence` (the meta-model's tag co-occurrence signal: with no edge
  yet, a cold-start project co-occurs with artifacts through its tags only), and the neighbour
  vote of bench/similarity_quality.py over plain TF-IDF (`tfidf_knn`) and MiniLM (`embedding_knn`)
  cosine kNN.

recall@10 and nDCG@10 per held-out project; the mean with a 95% bootstrap CI per system and
paired-bootstrap differences of `served` and `reranker` against each baseline.

    .venv/bin/python bench/learning_real.py [--folds 5] [--neighbours 10]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from similarity_quality import DATA, K, knn, records, tags, vote  # noqa: E402

from maestro_graph.api.embedding import make_encoder  # noqa: E402
from maestro_graph.config import Settings  # noqa: E402
from maestro_graph.embed.texts import node_text, text_hash  # noqa: E402
from maestro_graph.evaluation.bootstrap import mean_ci, paired_difference  # noqa: E402
from maestro_graph.evaluation.metrics import ndcg_binary, recall_at_k  # noqa: E402
from maestro_graph.ingest.jsonl import import_lines  # noqa: E402
from maestro_graph.similarity.snapshot import LexicalIndex  # noqa: E402
from maestro_graph.store.falkordb import FalkorDBStore  # noqa: E402

OURS = ("served", "reranker")


def _ranked(served: Any, project: Any) -> list[str]:
    """Artifact names in the served model's order for one project (its catalogue is complete)."""
    return [r.artifact_id[2:] for r in served.recommend(project, 10_000)]


def _with_reranker(served: Any) -> Any:
    from gnn.models import recommend

    reranker = served.reranker or recommend.Reranker().fit(served.catalogue)
    return dataclasses.replace(served, recommend_method="reranker", reranker=reranker)


async def measure(server: Any, folds: int, neighbours: int) -> dict[str, Any]:
    import numpy as np

    from gnn.data.snapshot import read_snapshot
    from gnn.train import train

    catalogue = [json.loads(line) for line in DATA.read_text().splitlines()]
    names = [r["name"] for r in catalogue]
    requires = {r["name"]: set(r["requires"]) for r in catalogue}
    queries = sorted(n for n in names if requires[n])
    texts = [node_text("Project", {"name": r["name"], "description": (r["summary"] + ". " + r["description"])[:2000],
                                   "problemClass": "other", "tags": tags(r)}) for r in catalogue]
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    encoder = make_encoder(settings)
    assert encoder is not None
    vectors = np.array(encoder.encode(texts))
    semantic = vectors @ vectors.T
    lexical_index = LexicalIndex(texts)
    lexical = (lexical_index.matrix @ lexical_index.matrix.T).toarray()
    row = {n: i for i, n in enumerate(names)}

    root = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="unused")
    per_system: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"recall@10": [], "ndcg@10": []})
    chosen: list[dict[str, Any]] = []
    train_seconds = 0.0
    for fold in range(folds):
        held = {q for i, q in enumerate(queries) if i % folds == fold}
        store = root.for_graph(f"learning_real_{fold}")
        await store.drop_graph(store.graph)
        await store.bootstrap()
        await import_lines(store, [json.dumps(r) for r in records(catalogue, held)], batch_size=1000)
        plain = await read_snapshot(store)  # no vectors yet: TF-IDF + SVD text features
        await store.write("set_project_embeddings", {"rows": [
            {"id": f"p:{n}", "vector": vectors[i].tolist(), "model": encoder.name, "hash": text_hash(texts[i])}
            for i, n in enumerate(names)]})
        embedded = await read_snapshot(store)
        await store.drop_graph(store.graph)
        started = time.perf_counter()
        with_vectors, without = train(embedded), train(plain)
        train_seconds += time.perf_counter() - started
        served, served_tfidf = with_vectors.served, without.served
        reranked = _with_reranker(served)
        chosen.append({"fold": fold, "served": served.recommend_method, "served_tfidf": served_tfidf.recommend_method,
                       "textFeatures": [with_vectors.report["split"]["textFeatures"],
                                        without.report["split"]["textFeatures"]]})
        used = {n: requires[n] for n in names if n not in held}
        popular = [a for a, _ in Counter(a for n in used for a in used[n]).most_common()]
        for q in sorted(held):
            truth = requires[q]
            project = embedded.project(f"p:{q}")
            sig_ranked = served_tfidf  # tag co-occurrence does not depend on the text features
            cooc = dataclasses.replace(sig_ranked, recommend_method="tag_cooccurrence")
            ranked = {
                "served": _ranked(served, project),
                "reranker": _ranked(reranked, project),
                "served_tfidf": _ranked(served_tfidf, plain.project(f"p:{q}")),
                "popularity": popular,
                "cooccurrence": _ranked(cooc, plain.project(f"p:{q}")),
                "tfidf_knn": vote(knn(lexical[row[q]], names, row[q], neighbours), used),
                "embedding_knn": vote(knn(semantic[row[q]], names, row[q], neighbours), used),
            }
            for system, items in ranked.items():
                per_system[system]["recall@10"].append(recall_at_k(items, truth, K))
                per_system[system]["ndcg@10"].append(ndcg_binary(items, truth, K))
    await root.close()

    results = {s: {m: mean_ci(v) for m, v in metrics.items()} for s, metrics in per_system.items()}
    differences = {f"{ours} - {s}": {m: paired_difference(per_system[ours][m], per_system[s][m])
                                     for m in per_system[ours]}
                   for ours in OURS for s in per_system if s not in OURS}
    beaten = {ours: {m: sorted(s for s in per_system if s not in OURS
                               and differences[f"{ours} - {s}"][m]["low"] > 0) for m in ("recall@10", "ndcg@10")}
              for ours in OURS}
    return {
        "inputs": {"data": str(DATA.relative_to(Path(__file__).parent.parent)), "projects": len(names),
                   "artifacts": len({a for r in catalogue for a in r["requires"]}), "queries": len(queries),
                   "folds": folds, "neighbours": neighbours, "model": encoder.name},
        "results": results,
        "paired_differences": differences,
        "baselines_beaten_with_ci_above_0": beaten,
        "chosen_per_fold": chosen,
        "train_seconds": round(train_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--neighbours", type=int, default=10)
    args = parser.parse_args()
    harness.run(lambda server: measure(server, args.folds, args.neighbours))


if __name__ == "__main__":
    main()
