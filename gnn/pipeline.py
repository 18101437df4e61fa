"""`maestro train` end to end: read the graph, train, write a versioned model directory.

The store is read and written on the event loop; fitting and drawing run in a worker thread, so
a server retraining in the background (`maestro_graph/service/retrain.py`) keeps answering.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gnn import plots, registry
from gnn.data.snapshot import read_snapshot
from gnn.data.snapshot import Snapshot
from gnn.train import finite, train
from maestro_graph.insight import impact
from maestro_graph.store.port import GraphStore


async def train_and_save(store: GraphStore, data_dir: Path, progress: Callable[[str], None] = lambda _: None) -> Path:
    progress("reading the graph")
    snapshot = await read_snapshot(store)
    trained = await asyncio.to_thread(train, snapshot, progress)
    report = finite(trained.report)
    tasks = report["tasks"]
    draw: dict[str, Any] = {}
    if tasks.get("success", {}).get("chosen"):
        draw["calibration.png"] = plots.calibration(tasks["success"]["reliability"])
    if trained.learning_curve:
        draw["learning_curve.png"] = plots.learning_curve(trained.learning_curve)
    ranged = {t: tasks[t] for t in ("durationDays", "costUsd") if tasks.get(t, {}).get("chosen")}
    if ranged:
        draw["coverage.png"] = plots.coverage(ranged)
    progress("impact scores")
    impacts = await save_impacts(store, snapshot)
    progress("writing the model directory")
    info = {
        "chosen": {task: row.get("chosen") for task, row in tasks.items()},
        "evaluation": report,
        "learningCurve": finite(trained.learning_curve),
        "impact": {"artifacts": len(impacts), "estimator": "within-class difference in success rates, "
                   "inverse-variance pooled, empirical-Bayes shrunk toward 0 (maestro_graph/insight/impact.py)"},
        "counts": {"projects": len(snapshot.projects), "artifacts": len(snapshot.artifacts),
                   "usages": len(snapshot.usages),
                   "outcomes": sum(1 for p in snapshot.projects if p.success is not None)},
    }
    return await asyncio.to_thread(registry.save, registry.models_root(data_dir), snapshot.fingerprint(), info,
                                   trained.served, draw)


async def save_impacts(store: GraphStore, snapshot: Snapshot) -> dict[str, impact.Impact]:
    """Estimate every artifact's impact from the recorded outcomes and store it on the artifact."""
    outcomes = {p.id: (p.problem_class, p.success) for p in snapshot.projects if p.success is not None}
    ids = [a.id for a in snapshot.artifacts]
    impacts, by_class = impact.estimate_all(outcomes, snapshot.usages, ids)
    rows = [{"id": i.artifact_id, "score": i.score, "low": i.low, "high": i.high, "n": i.n,
             "byClass": _class_impacts(by_class.get(i.artifact_id, {}))} for i in impacts.values()]
    if rows:
        await store.batch("set_artifact_impacts", rows, batch_size=1000)
    return impacts


def _class_impacts(cells: dict[str, impact.Impact]) -> str:
    """Per-class impacts as one JSON string (FalkorDB properties hold no maps), best first."""
    rows = [{"problemClass": cls, "score": i.score, "low": i.low, "high": i.high, "n": i.n} for cls, i in cells.items()]
    return json.dumps(sorted(rows, key=lambda r: (-r["score"], r["problemClass"])))
