"""Success probability: honest baselines and calibrated candidates, one evaluation.

Candidates: the base rate (training share of successes), logistic regression and gradient
boosting (HistGradientBoosting) on the same content features. Each non-trivial candidate is
calibrated with Platt scaling (sigmoid) inside the training data: isotonic regression overfits
below ~1,000 outcomes. The served model is the candidate with the lowest validation log-loss (a
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


def evaluate(x_tr: np.ndarray, y_tr: np.ndarray, x_va: np.ndarray, y_va: np.ndarray,
             x_te: np.ndarray, y_te: np.ndarray) -> SuccessResult:
    valid: dict[str, dict[str, Any]] = {}
    test: dict[str, dict[str, Any]] = {}
    reliability: dict[str, list[dict[str, float]]] = {}
    held_preds: dict[str, np.ndarray] = {}
    for name, model in candidates(len(y_tr)).items():
        model.fit(x_tr, y_tr)
        p_va = model.predict_proba(x_va)[:, 1]
        p_te = model.predict_proba(x_te)[:, 1]
        valid[name], test[name] = score(y_va, p_va), score(y_te, p_te)
        reliability[name] = reliability_bins(y_te, p_te)
        held_preds[name] = np.concatenate([p_va, p_te])
    chosen = min(valid, key=lambda k: valid[k]["logLoss"])
    reason = (f"lowest validation log-loss ({valid[chosen]['logLoss']:.3f}; "
              + ", ".join(f"{k} {v['logLoss']:.3f}" for k, v in valid.items() if k != chosen) + ")")
    y_held = np.concatenate([y_va, y_te])
    return SuccessResult(chosen, reason, valid, test, reliability,
                         reliability_bins(y_held, held_preds[chosen]))


def fit_final(name: str, x: np.ndarray, y: np.ndarray) -> Any:
    """The served model: the validation winner refitted on every labelled project."""
    model = candidates(len(y))[name]
    return model.fit(x, y)
