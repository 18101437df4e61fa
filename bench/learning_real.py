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
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from similarity_quality import load_catalogue, score  # noqa: E402

from maestro_graph.api.embedding import make_encoder  # noqa: E402
from maestro_graph.config import Settings  # noqa: E402
from maestro_graph.evaluation.bootstrap import mean_ci, paired_difference  # noqa: E402
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
    from gnn.data.snapshot import read_snapshot
    from gnn.train import train

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    encoder = make_encoder(settings)
    assert encoder is not None
    data = load_catalogue(encoder)
    root = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="unused")
    per_system: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"recall@10": [], "ndcg@10": []})
    chosen: list[dict[str, Any]] = []
    train_seconds = 0.0
    for fold in range(folds):
        held = data.held_out(fold, folds)
        store = await data.fold_graph(root, f"learning_real_{fold}", held)
        plain = await read_snapshot(store)  # no vectors yet: TF-IDF + SVD text features
        await data.write_vectors(store)
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
        cooc = dataclasses.replace(served_tfidf, recommend_method="tag_cooccurrence")  # no text features in it
        for q in sorted(held):
            project, plain_project = embedded.project(f"p:{q}"), plain.project(f"p:{q}")
            score(per_system, {
                "served": _ranked(served, project),
                "reranker": _ranked(reranked, project),
                "served_tfidf": _ranked(served_tfidf, plain_project),
                "cooccurrence": _ranked(cooc, plain_project),
                **data.baselines(q, held, neighbours),
            }, data.requires[q])
    await root.close()

    results = {s: {m: mean_ci(v) for m, v in metrics.items()} for s, metrics in per_system.items()}
    differences = {f"{ours} - {s}": {m: paired_difference(per_system[ours][m], per_system[s][m])
                                     for m in per_system[ours]}
                   for ours in OURS for s in per_system if s not in OURS}
    beaten = {ours: {m: sorted(s for s in per_system if s not in OURS
                               and differences[f"{ours} - {s}"][m]["low"] > 0) for m in ("recall@10", "ndcg@10")}
              for ours in OURS}
    return {
        "inputs": data.inputs(folds, neighbours),
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
