"""Fitted scikit-learn models as plain numpy, for serving one project in well under a millisecond.

Why: predictOutcome evaluates a Platt-calibrated gradient-boosting ensemble (3 folds x 60 trees)
and six quantile models (CQR) for one row. Through scikit-learn each call validates its input and
opens an OpenMP region per tree; that cost ~100 ms of a request on a loaded 2-core machine while
the arithmetic is microseconds. Here every tree of a model is one set of flat arrays walked for
all (row, tree) pairs at once, with the same rules as scikit-learn's Cython predictor (NaN goes
where `missing_go_to_left` says, else `x <= threshold` goes left) and the leaf values summed in
the same order, so the answers are the same numbers (tests/learn/test_compiled.py checks it).
A model this module does not know is served through scikit-learn unchanged (`None` below).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]


class CompiledTrees:
    """The trees of a fitted HistGradientBoosting model with one tree per iteration (regression,
    binary classification) and no categorical split: `raw(x)` equals its `_raw_predict(x)`."""

    def __init__(self, model: Any) -> None:
        if model.n_trees_per_iteration_ != 1:
            raise ValueError("one tree per iteration only")
        nodes = [predictors[0].nodes for predictors in model._predictors]
        if any(n["is_categorical"].any() for n in nodes):
            raise ValueError("categorical splits are not compiled")
        sizes = np.asarray([len(n) for n in nodes])
        self.roots = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        offset = np.repeat(self.roots, sizes)
        flat = np.concatenate(nodes)
        self.feature = flat["feature_idx"].astype(np.intp)
        self.threshold = flat["num_threshold"].astype(np.float64)
        self.missing_left = flat["missing_go_to_left"].astype(bool)
        self.left = flat["left"].astype(np.intp) + offset
        self.right = flat["right"].astype(np.intp) + offset
        self.is_leaf = flat["is_leaf"].astype(bool)
        self.value = flat["value"].astype(np.float64)
        self.baseline = float(np.asarray(model._baseline_prediction).ravel()[0])

    def raw(self, x: np.ndarray) -> np.ndarray:
        n = x.shape[0]
        idx = np.tile(self.roots, (n, 1))
        rows = np.arange(n)[:, None]
        while True:
            leaf = self.is_leaf[idx]
            if leaf.all():
                break
            v = x[rows, self.feature[idx]]
            go_left = np.where(np.isnan(v), self.missing_left[idx], v <= self.threshold[idx])
            idx = np.where(leaf, idx, np.where(go_left, self.left[idx], self.right[idx]))
        values = self.value[idx]
        out = np.full(n, self.baseline)
        for t in range(values.shape[1]):  # tree by tree, as scikit-learn adds them
            out += values[:, t]
        return out


def _decision(estimator: Any) -> Predict | None:
    """decision_function of a fitted binary classifier, or None when it is not one we compile."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if isinstance(estimator, HistGradientBoostingClassifier):
        try:
            return CompiledTrees(estimator).raw
        except ValueError:
            return None
    if isinstance(estimator, Pipeline) and len(estimator.steps) == 2:
        scaler, linear = estimator.steps[0][1], estimator.steps[1][1]
        if isinstance(scaler, StandardScaler) and isinstance(linear, LogisticRegression) and linear.coef_.shape[0] == 1:
            mean = scaler.mean_ if scaler.with_mean else 0.0
            scale = scaler.scale_ if scaler.with_std else 1.0
            coef, intercept = linear.coef_.T.copy(), float(linear.intercept_[0])

            def linear_decision(x: np.ndarray) -> np.ndarray:
                return (((x - mean) / scale) @ coef).ravel() + intercept
            return linear_decision
    return None


def success_proba(model: Any) -> Predict | None:
    """P(success) of a fitted sigmoid-calibrated binary classifier (`CalibratedClassifierCV`), as
    its `predict_proba(x)[:, 1]`: each fold's Platt sigmoid of its classifier's decision, averaged."""
    from scipy.special import expit
    from sklearn.calibration import CalibratedClassifierCV

    if not isinstance(model, CalibratedClassifierCV) or model.method != "sigmoid" or len(model.classes_) != 2:
        return None
    folds = []
    for calibrated in model.calibrated_classifiers_:
        decision = _decision(calibrated.estimator)
        if decision is None or len(calibrated.calibrators) != 1 or list(calibrated.estimator.classes_) != list(
                model.classes_):
            return None
        sigmoid = calibrated.calibrators[0]
        folds.append((decision, float(sigmoid.a_), float(sigmoid.b_)))

    def predict(x: np.ndarray) -> np.ndarray:
        total = np.zeros(x.shape[0])
        for decision, a, b in folds:
            total += expit(-(a * decision(x) + b))
        return total / len(folds)
    return predict


def regressor(model: Any) -> Predict | None:
    """`predict(x)` of a fitted HistGradientBoostingRegressor with an identity link (squared error,
    quantile, absolute error), or None."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    if not isinstance(model, HistGradientBoostingRegressor) or model.loss not in ("squared_error", "quantile",
                                                                                  "absolute_error"):
        return None
    try:
        return CompiledTrees(model).raw
    except ValueError:
        return None
