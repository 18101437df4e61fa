"""Success probability: honest baselines and calibrated candidates, one evaluation.

Candidates: the base rate (training share of successes), logistic regression and gradient
boosting (HistGradientBoosting) on the same content features. Each non-trivial candidate is
calibrated with Platt scaling (sigmoid) inside the training data: isotonic regression overfits
below ~1,000 outcomes. Graph-aware candidates (`graph_logistic`, `graph_blend`) add training
outcomes passed over the graph's edges (`neighbours.py`: artifact versions and team sizes of the
class), computed without the held-out projects. The served model is the candidate with the lowest validation log-loss (a
proper score: it rewards both ranking and calibration); test figures are reported for all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from gnn.models.metrics import bootstrap_stat_ci, expected_calibration_error, reliability_bins

MIN_OUTCOMES = 12  # fewer labelled projects (or one class only): no success model, NO_MODEL


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic (ties count half): fast enough to bootstrap."""
    from scipy.stats import rankdata

    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return math.nan
    ranks = rankdata(p)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def candidates(n_train: int) -> dict[str, Any]:
    """Fresh, unfitted candidates; calibration folds shrink with the data so tiny sets still fit."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    folds = 3 if n_train >= 30 else 2
    return {
        "base_rate": DummyClassifier(strategy="prior"),
        "logistic": CalibratedClassifierCV(
            make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=2000)), method="sigmoid", cv=folds),
        "gradient_boosting": CalibratedClassifierCV(
            HistGradientBoostingClassifier(max_iter=60, learning_rate=0.1, max_depth=3, min_samples_leaf=10,
                                           random_state=0),
            method="sigmoid", cv=folds),
    }


def score(y: np.ndarray, p: np.ndarray, *, ci: bool = True) -> dict[str, Any]:
    from sklearn.metrics import brier_score_loss, log_loss

    p = np.clip(p, 1e-6, 1 - 1e-6)
    both = len(set(y.tolist())) == 2
    return {
        "n": int(len(y)),
        "auc": _auc(y, p),
        "aucCi": list(bootstrap_stat_ci(y, p, _auc)) if both and ci else [math.nan, math.nan],
        "brier": float(brier_score_loss(y, p)),
        "logLoss": float(log_loss(y, p, labels=[0, 1])),
        "ece": expected_calibration_error(y, p),
    }


@dataclass
class SuccessResult:
    chosen: str
    reason: str
    valid: dict[str, dict[str, Any]]
    test: dict[str, dict[str, Any]]
    reliability: dict[str, list[dict[str, float]]]  # per candidate, on test
    bins: list[dict[str, float]]  # chosen model's held-out bins: the interval per prediction


GRAPH_CANDIDATES = ("graph_logistic", "graph_blend")


@dataclass(frozen=True)
class GraphInputs:
    """Rows with the neighbour inputs appended (`gnn/models/neighbours.py`): training rows
    out-of-fold, held-out rows from training projects only."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    names: list[str]  # the content row's feature names (its width is len(names))


def graph_candidate(name: str, n_train: int, names: list[str]) -> Any:
    """A fresh graph-aware candidate (`neighbours.GraphSuccess`) over rows of `names` + the
    neighbour inputs."""
    from gnn.models.neighbours import NAMES, GraphSuccess, content_columns

    width = len(names)
    columns = content_columns(names) + [width + i for i in range(len(NAMES))]
    base = candidates(n_train)
    return GraphSuccess(name, width, columns, base["logistic"],
                        base["gradient_boosting"] if name == "graph_blend" else None)


def evaluate(x_tr: np.ndarray, y_tr: np.ndarray, x_va: np.ndarray, y_va: np.ndarray,
             x_te: np.ndarray, y_te: np.ndarray, graph: GraphInputs | None = None) -> SuccessResult:
    """Score every candidate on validation and test; the choice uses validation only."""
    valid: dict[str, dict[str, Any]] = {}
    test: dict[str, dict[str, Any]] = {}
    reliability: dict[str, list[dict[str, float]]] = {}
    held_preds: dict[str, np.ndarray] = {}
    fitted = [(name, model, x_tr, x_va, x_te) for name, model in candidates(len(y_tr)).items()]
    if graph is not None:
        fitted += [(name, graph_candidate(name, len(y_tr), graph.names), graph.train, graph.valid, graph.test)
                   for name in GRAPH_CANDIDATES]
    for name, model, rows_tr, rows_va, rows_te in fitted:
        model.fit(rows_tr, y_tr)
        p_va = model.predict_proba(rows_va)[:, 1]
        p_te = model.predict_proba(rows_te)[:, 1]
        valid[name], test[name] = score(y_va, p_va), score(y_te, p_te)
        reliability[name] = reliability_bins(y_te, p_te)
        held_preds[name] = np.concatenate([p_va, p_te])
    chosen = min(valid, key=lambda k: valid[k]["logLoss"])
    reason = (f"lowest validation log-loss ({valid[chosen]['logLoss']:.3f}; "
              + ", ".join(f"{k} {v['logLoss']:.3f}" for k, v in valid.items() if k != chosen) + ")")
    y_held = np.concatenate([y_va, y_te])
    return SuccessResult(chosen, reason, valid, test, reliability,
                         reliability_bins(y_held, held_preds[chosen]))


def fit_final(name: str, x: np.ndarray, y: np.ndarray, names: list[str] | None = None) -> Any:
    """The served model: the validation winner refitted on every labelled project (a graph
    candidate on rows with the neighbour inputs appended, and `names` of the content row)."""
    if name in GRAPH_CANDIDATES:
        assert names is not None
        return graph_candidate(name, len(y), names).fit(x, y)
    model = candidates(len(y))[name]
    return model.fit(x, y)
