"""PNG plots of one training run, drawn with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def _figure():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def calibration(reliability: dict[str, list[dict[str, float]]]) -> Callable[[Path], None]:
    def draw(path: Path) -> None:
        plt = _figure()
        fig, ax = plt.subplots(figsize=(5, 5))
        ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect")
        for name, bins in reliability.items():
            ax.plot([b["predicted"] for b in bins], [b["observed"] for b in bins], marker="o", label=name)
        ax.set(xlabel="predicted success probability", ylabel="observed success rate",
               title="Reliability (test, 10 equal-mass bins)", xlim=(0, 1), ylim=(0, 1))
        ax.legend(loc="upper left")
        fig.savefig(path, dpi=80, bbox_inches="tight")
        plt.close(fig)
    return draw


def coverage(tasks: dict[str, dict[str, Any]]) -> Callable[[Path], None]:
    def draw(path: Path) -> None:
        plt = _figure()
        fig, axes = plt.subplots(1, max(1, len(tasks)), figsize=(6 * max(1, len(tasks)), 4), squeeze=False)
        for ax, (target, task) in zip(axes[0], tasks.items(), strict=False):
            chosen = task["test"][task["chosen"]]["coverageByClass"]
            classes = list(chosen)
            ax.bar(classes, [chosen[c]["coverage"] for c in classes])
            ax.axhline(0.8, color="k", ls="--", lw=1)
            ax.set(title=f"{target}: P10-P90 coverage by class ({task['chosen']}, test)", ylim=(0, 1))
            ax.tick_params(axis="x", rotation=45)
        fig.savefig(path, dpi=80, bbox_inches="tight")
        plt.close(fig)
    return draw


def learning_curve(points: list[dict[str, float]]) -> Callable[[Path], None]:
    def draw(path: Path) -> None:
        plt = _figure()
        fig, ax = plt.subplots(figsize=(5, 4))
        ax.plot([p["n"] for p in points], [p["auc"] for p in points], marker="o", label="test AUC")
        ax.plot([p["n"] for p in points], [p["logLoss"] for p in points], marker="s", label="test log-loss")
        ax.set(xlabel="training projects", title="Success model learning curve")
        ax.legend()
        fig.savefig(path, dpi=80, bbox_inches="tight")
        plt.close(fig)
    return draw
