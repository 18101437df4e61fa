"""`maestro train` and `maestro evaluate`: fit the meta-model and print its evaluation.

Thin: the work lives in `gnn/` (imported inside the commands, so `maestro --help` loads no ML).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from maestro_graph.config import Settings
from maestro_graph.errors import NotFound


def train_with_progress(settings: Settings, run: Any, progress: Any) -> None:
    """Train on the store of `settings` with a progress bar, then print the evaluation table."""
    from maestro_graph.store.open import open_store

    async def go() -> Path:
        from gnn.pipeline import train_and_save

        async with open_store(settings) as store:
            with progress() as bar:
                task = bar.add_task("training", total=7)

                def step(name: str) -> None:
                    bar.update(task, description=f"training: {name}", advance=1)

                return await train_and_save(store, settings.data_dir, step)

    path = run(go)
    Console().print(f"model {path.name} written to {path}")
    _print(_info(path.parent), as_json=False)


def register(app: typer.Typer, run: Any, progress: Any) -> None:
    @app.command()
    def train() -> None:
        """Train the meta-model on the graph and write a new versioned model directory."""
        train_with_progress(Settings(), run, progress)

    @app.command()
    def evaluate(as_json: bool = typer.Option(False, "--json", help="print the evaluation as JSON")) -> None:
        """Print the newest model's evaluation (held-out projects, every task and baseline)."""
        from gnn.registry import models_root

        async def go() -> dict[str, Any]:
            return _info(models_root(Settings().data_dir))

        _print(run(go), as_json=as_json)


def _info(root: Path) -> dict[str, Any]:
    from gnn.registry import INFO_FILE, newest

    path = newest(root)
    if path is None:
        raise NotFound("no trained model; run `maestro train` first")
    return json.loads((path / INFO_FILE).read_text())


HEADLINE = {"recommendation": ("ndcg@10", "recall@10"), "success": ("auc", "brier", "logLoss", "ece"),
            "durationDays": ("coverage", "widthRatio", "pinball"), "costUsd": ("coverage", "widthRatio", "pinball"),
            "teamSize": ("auc", "logLoss", "brier")}


def _print(info: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(info, indent=2, sort_keys=True))
        return
    table = Table(title=f"model {info['version']} (held-out test projects)")
    for col in ("task", "method", "served", "metrics"):
        table.add_column(col)
    for task, row in info["evaluation"]["tasks"].items():
        if not row.get("chosen"):
            table.add_row(task, "-", "-", row.get("reason", ""))
            continue
        for method, metrics in row["test"].items():
            shown = ", ".join(f"{k} {metrics[k]:.3f}" for k in HEADLINE[task] if metrics.get(k) is not None)
            table.add_row(task, method, "yes" if method == row["chosen"] else "", shown)
    Console().print(table)
