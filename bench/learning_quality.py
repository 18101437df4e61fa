"""Meta-model quality on the demo organisation, against the issue's targets (#17).

    .venv/bin/python bench/learning_quality.py [--seed 7] [--projects N] [--people N] [--artifacts N]

Generates the demo organisation, imports it into a private embedded FalkorDB, trains exactly as
`maestro train` does (time-ordered project split), and prints one JSON object: each target with
the measured figure and the baseline it is compared with. No pass/fail: the figures are reported
as measured. Timings of recommendArtifacts / predictOutcome are not measured here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

from maestro_graph.demo.generate import DEMO_PROJECTS, demo_sizes, generate  # noqa: E402
from maestro_graph.demo.signal import CURSED_SCHEMA, GOLDEN_RULES, TEAM_SWEET_SPOT  # noqa: E402
from maestro_graph.ingest.jsonl import import_lines  # noqa: E402
from maestro_graph.store.falkordb import FalkorDBStore  # noqa: E402


def _golden_ranks(served: Any, impacts: dict[str, Any]) -> dict[str, Any]:
    """Rank of each golden artifact family among artifacts: by impact within its class's users,
    and in recommendArtifacts for a cold-start project of its class."""
    from gnn.data.snapshot import ProjectRecord

    out = {}
    names = {a.id: a.name for a in served.artifacts}
    for rule in GOLDEN_RULES:
        cls = rule.classes[0]
        project = ProjectRecord(id="(bench)", name="", description="", tags=[cls], problem_class=cls,
                                complexity=5.5, status="planned", started_at=None, team_size=4, metadata={})
        ranked = [names[r.artifact_id] for r in served.recommend(project, 50)]
        families = list(dict.fromkeys(ranked))
        by_impact = sorted(impacts.values(), key=lambda i: -i.score)
        impact_families = list(dict.fromkeys(names[i.artifact_id] for i in by_impact))
        out[rule.name] = {
            "class": cls,
            "recommendRank": families.index(rule.name) + 1 if rule.name in families else None,
            "impactRank": impact_families.index(rule.name) + 1 if rule.name in impact_families else None,
        }
    return out


def _golden_held_out(snapshot: Any, method: str | None) -> dict[str, Any]:
    """Rank of each golden family in the evaluation's own ranking (catalogue and re-ranker of the
    TRAINING projects, the method chosen on validation) for every TEST project of its class, with
    the project's real tags and text: the issue's "held-out projects", not one synthetic probe."""
    import numpy as np

    from gnn.data.features import FeatureSpace
    from gnn.data.split import time_split
    from gnn.models import recommend
    from gnn.train import catalogue

    if method is None:
        return {}
    split = time_split(snapshot.projects)
    space = FeatureSpace.fit(snapshot, split.train)
    cat = catalogue(snapshot, space, split.train)
    reranker = recommend.Reranker().fit(cat) if method == "reranker" else None
    family = {a.id: a.name for a in snapshot.artifacts}
    out = {}
    for rule in GOLDEN_RULES:
        cls = rule.classes[0]
        queries = [snapshot.project(i) for i in split.test if snapshot.project(i).problem_class == cls]
        ranks = []
        for q in queries:
            text = space.text.transform([q.id], [q.text])[0]
            sig = cat.signals(cls, q.tags, text)
            scores = recommend.rank(method, sig, reranker, cat.reranker_inputs(sig, cls) if reranker else None)
            families = list(dict.fromkeys(family[cat.artifact_ids[j]] for j in np.argsort(-scores, kind="stable")))
            ranks.append(families.index(rule.name) + 1)
        out[rule.name] = {"class": cls, "testProjects": len(ranks),
                          "medianRank": float(np.median(ranks)) if ranks else None,
                          "top3Share": sum(r <= 3 for r in ranks) / len(ranks) if ranks else None}
    return out


def _sweet_spots(served: Any) -> dict[str, Any]:
    """Per class, the recommended team size (the served rule over the team model's curve) and, in
    the same run, three references: the argmax of the same curve, the argmax of the success
    model's curve (the wave-4 rule) and the middle of the class's observed sizes (no outcome at
    all). Recovered: inside the planted range."""
    import copy

    from gnn.data.snapshot import ProjectRecord

    without_team = copy.copy(served)
    without_team.team_model = None
    rules: dict[str, dict[str, Any]] = {}
    for cls, (low, high) in TEAM_SWEET_SPOT.items():
        project = ProjectRecord(id="(bench)", name="", description="", tags=[cls], problem_class=cls,
                                complexity=5.5, status="planned", started_at=None, team_size=4, metadata={})
        curve = served.team_curve(project, [], {})
        trusted = [pt for pt in curve if not pt["extrapolated"]] or curve
        old = [pt for pt in without_team.team_curve(project, [], {}) if pt["teamSize"] in {t["teamSize"] for t in trusted}]
        picks = {"served": served.recommended_team_size(cls, curve),
                 "team_curve_argmax": max(trusted, key=lambda pt: pt["successProbability"])["teamSize"],
                 "success_model_argmax": max(old, key=lambda pt: pt["successProbability"])["teamSize"],
                 "middle_of_observed_sizes": trusted[len(trusted) // 2]["teamSize"]}
        for rule, size in picks.items():
            rules.setdefault(rule, {})[cls] = {"recommended": size, "inside": low <= size <= high}
        rules["served"][cls]["planted"] = [low, high]
        rules["served"][cls]["curve"] = [round(pt["successProbability"], 3) for pt in curve]
        rules["served"][cls]["trusted"] = [pt["teamSize"] for pt in trusted]
    return {"recovered": sum(v["inside"] for v in rules["served"].values()), "classes": len(TEAM_SWEET_SPOT),
            "references_recovered": {r: sum(v["inside"] for v in by.values()) for r, by in rules.items() if r != "served"},
            "byClass": rules["served"], "references": {r: {c: v["recommended"] for c, v in by.items()}
                                                       for r, by in rules.items() if r != "served"}}


def _in_target(by_class: dict[str, dict[str, Any]]) -> str:
    inside = sum(1 for v in by_class.values() if 0.75 <= v["coverage"] <= 0.85)
    return f"{inside} of {len(by_class)} (test n per class {min(v['n'] for v in by_class.values())}-" \
           f"{max(v['n'] for v in by_class.values())})"


async def measure(server: harness.EmbeddedFalkorDB, seed: int, projects: int,
                  people: int | None = None, artifacts: int | None = None) -> dict[str, Any]:
    from gnn.pipeline import save_impacts
    from gnn.data.snapshot import read_snapshot
    from gnn.train import finite, train

    store = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="bench", pool_size=4)
    await store.bootstrap()
    artifacts, people = demo_sizes(projects, artifacts, people)
    records = generate(seed, projects=projects, artifacts=artifacts, people=people)
    await import_lines(store, [json.dumps(r) for r in records], batch_size=1000)
    snapshot = await read_snapshot(store)
    started = time.perf_counter()
    trained = train(snapshot)
    train_seconds = time.perf_counter() - started
    impacts = await save_impacts(store, snapshot)
    await store.close()
    tasks = finite(trained.report)["tasks"]
    served = trained.served

    cursed = next(a.id for a in snapshot.artifacts
                  if a.name == CURSED_SCHEMA.name and a.version == CURSED_SCHEMA.version)
    c = impacts[cursed]
    rec = tasks["recommendation"]["test"]
    baselines = {m: v["ndcg@10"] for m, v in rec.items() if m != "reranker"}
    best_baseline = max(baselines, key=baselines.get)
    chosen = tasks["recommendation"]["chosen"]
    succ = tasks.get("success", {}).get("test", {})
    succ_chosen = tasks.get("success", {}).get("chosen")
    sweet = _sweet_spots(served)
    coverage = {t: {"chosen": tasks[t]["chosen"], "reason": tasks[t]["reason"], "overall": tasks[t]["test"][tasks[t]["chosen"]]["coverage"],
                    "byClass": tasks[t]["test"][tasks[t]["chosen"]]["coverageByClass"],
                    "target_per_class": [0.75, 0.85],
                    "classes_in_target": _in_target(tasks[t]["test"][tasks[t]["chosen"]]["coverageByClass"]),
                    # pooled (one margin) against per-class (Mondrian) calibration, same test projects
                    "pooled_vs_mondrian": {m: {"overall": tasks[t]["test"][m]["coverage"],
                                               "widthRatio": tasks[t]["test"][m]["widthRatio"],
                                               "classes_in_target": _in_target(tasks[t]["test"][m]["coverageByClass"]),
                                               "byClass": {c: f"{v['coverage']:.2f} (n={v['n']})" for c, v in
                                                           tasks[t]["test"][m]["coverageByClass"].items()}}
                                           for m in ("cqr", "cqr_mondrian") if m in tasks[t]["test"]}}
                for t in ("durationDays", "costUsd") if tasks.get(t, {}).get("chosen")}
    return {
        "inputs": {"seed": seed, "projects": projects, "people": people, "artifacts": artifacts, "split": trained.report["split"]},
        "train_seconds": round(train_seconds, 2),
        "golden_artifacts": _golden_ranks(served, impacts),
        "golden_artifacts_held_out": _golden_held_out(snapshot, chosen),
        "cursed_version": {"artifact": cursed, "impact": c.score, "interval": [c.low, c.high], "n": c.n,
                           "raw": c.raw, "negative_and_excludes_zero": c.high < 0},
        "team_size_sweet_spot": sweet,
        "team_model": {**{k: tasks.get("teamSize", {}).get(k) for k in ("chosen", "reason", "model")},
                       **{part: {k: v for k, v in (tasks.get("teamSize", {}).get(part, {}).get("team_response") or {}).items()
                                 if k in ("n", "auc", "logLoss", "brier")} for part in ("valid", "test")}},
        "recommendation": {"chosen": chosen, "ndcg@10": rec[chosen]["ndcg@10"], "ndcg@10Ci": rec[chosen]["ndcg@10Ci"],
                           "best_baseline": best_baseline, "best_baseline_ndcg@10": baselines[best_baseline],
                           "ratio_vs_best_baseline": rec[chosen]["ndcg@10"] / baselines[best_baseline],
                           "target_ratio": 1.25, "all": {m: v["ndcg@10"] for m, v in rec.items()}},
        "success": {"chosen": succ_chosen, "auc": succ.get(succ_chosen, {}).get("auc"),
                    "gradient_boosting_auc": succ.get("gradient_boosting", {}).get("auc"),
                    "auc_minus_gbm": (succ[succ_chosen]["auc"] - succ["gradient_boosting"]["auc"]) if succ_chosen else None,
                    "target_margin": 0.02, "reason": tasks.get("success", {}).get("reason"),
                    "test_n": succ.get("base_rate", {}).get("n"),
                    "valid": {m: {k: v[k] for k in ("auc", "logLoss")}
                              for m, v in tasks.get("success", {}).get("valid", {}).items()},
                    "all": {m: {k: v[k] for k in ("auc", "aucCi", "brier", "logLoss", "ece")} for m, v in succ.items()}},
        "intervals": coverage,
        "note": "the GNN is evaluated for success only and not served; graph_logistic / graph_blend are the "
                "graph-aware success candidates (gnn/models/neighbours.py); per-class interval coverage "
                "pooled over folds and seeds: bench/learning_coverage.py",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--projects", type=int, default=DEMO_PROJECTS)
    parser.add_argument("--people", type=int, default=None, help="default: the demo's ratio (demo_sizes)")
    parser.add_argument("--artifacts", type=int, default=None, help="default: the demo's ratio (demo_sizes)")
    args = parser.parse_args()
    harness.run(lambda server: measure(server, args.seed, args.projects, args.people, args.artifacts))


if __name__ == "__main__":
    main()
