"""`maestro train` end to end: read the graph, train, write a versioned model directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gnn import plots, registry
from gnn.data.snapshot import read_snapshot
from gnn.train import finite, train
from maestro_graph.store.port import GraphStore


async def train_and_save(store: GraphStore, data_dir: Path, progress: Callable[[str], None] = lambda _: None) -> Path:
    progress("reading the graph")
    snapshot = await read_snapshot(store)
    trained = train(snapshot, progress)
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
    progress("writing the model directory")
    info = {
        "chosen": {task: row.get("chosen") for task, row in tasks.items()},
        "evaluation": report,
        "learningCurve": finite(trained.learning_curve),
        "counts": {"projects": len(snapshot.projects), "artifacts": len(snapshot.artifacts),
                   "usages": len(snapshot.usages),
                   "outcomes": sum(1 for p in snapshot.projects if p.success is not None)},
    }
    return registry.save(registry.models_root(data_dir), snapshot.fingerprint(), info, trained.served, draw)
