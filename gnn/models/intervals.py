"""Duration and cost: P10 / P50 / P90 on a log scale, conformalised.

Candidate: conformalised quantile regression (CQR, Romano et al. 2019). Gradient-boosted
quantile regressors fit log(y) at 0.1, 0.5 and 0.9 on the older part of the training projects;
on the newer part (the calibration set) the conformity score E = max(lo - y, y - hi) gives
q = the ceil((n + 1)(1 - alpha)) / n empirical quantile of E, and the interval is
[lo - q, hi + q] (alpha = 0.2). A second candidate, `cqr_mondrian` (`MondrianCQR`), calibrates
the margin per problem class from cross-conformal (out-of-fold) scores, falling back to the
pooled margin for a class with fewer than MIN_CLASS_CALIBRATION scores. Baselines: per-class empirical quantiles of the training
projects, and kNN quantiles (the 15 nearest training projects in standardised feature space).
The served method maximises sharpness subject to calibration PER CLASS on validation: among
methods whose overall validation P10-P90 coverage is within 10 points of 80% and whose per-class
coverage is consistent with 80% in every class (`class_calibration`: a chi-square test of the
per-class hit counts, p >= 0.05), the lowest validation pinball loss; when none passes, the
one closest to per-class calibration (lowest chi-square). Per class, validation holds a few to
a few dozen projects, so the test is weak; `bench/learning_coverage.py` pools per-class
coverage over several time-ordered folds and demo seeds to measure it with n >= 30.

Censoring: projects still running (no duration or cost yet) are left out of fitting and
evaluation. Their eventual duration is only known to exceed their age, so leaving them out
biases the newest projects toward short ones: the time-ordered test set holds the recent
projects that already finished, which are the fast ones. Coverage on it is reported as measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gnn.models.metrics import pinball

ALPHA = 0.2
QUANTILES = (0.1, 0.5, 0.9)
MIN_OUTCOMES = 12
FOLDS = 4  # cross-conformal folds of MondrianCQR
MIN_CLASS_CALIBRATION = 20  # fewer out-of-fold scores in a class: it gets the pooled margin


class ClassQuantiles:
    """Per-class empirical quantiles of log(y), falling back to all projects below 5 in a class."""

    def fit(self, x: np.ndarray, y: np.ndarray, classes: list[str]) -> ClassQuantiles:
        self.overall = np.quantile(y, QUANTILES)
        self.by_class = {c: np.quantile(y[[k == c for k in classes]], QUANTILES)
                         for c in set(classes) if classes.count(c) >= 5}
        return self

    def predict(self, x: np.ndarray, classes: list[str]) -> np.ndarray:
        return np.asarray([self.by_class.get(c, self.overall) for c in classes])


class KnnQuantiles:
    def __init__(self, k: int = 15) -> None:
        self.k = k

    def fit(self, x: np.ndarray, y: np.ndarray, classes: list[str]) -> KnnQuantiles:
        self.mu, self.sd = x.mean(axis=0), x.std(axis=0) + 1e-9
        self.x, self.y = (x - self.mu) / self.sd, y
        return self

    def predict(self, x: np.ndarray, classes: list[str]) -> np.ndarray:
        z = (x - self.mu) / self.sd
        d = ((z[:, None, :] - self.x[None, :, :]) ** 2).sum(axis=2)
        k = min(self.k, len(self.y))
        near = np.argsort(d, axis=1)[:, :k]
        return np.quantile(self.y[near], QUANTILES, axis=1).T


class ConformalQuantileRegression:
    def fit(self, x: np.ndarray, y: np.ndarray, classes: list[str]) -> ConformalQuantileRegression:
        from sklearn.ensemble import HistGradientBoostingRegressor

        n_cal = max(3, len(y) // 4)
        fit_x, fit_y, cal_x, cal_y = x[:-n_cal], y[:-n_cal], x[-n_cal:], y[-n_cal:]  # rows in time order
        self.models = [
            HistGradientBoostingRegressor(loss="quantile", quantile=q, max_iter=60, learning_rate=0.1,
                                          max_depth=3, min_samples_leaf=8, random_state=0).fit(fit_x, fit_y)
            for q in QUANTILES
        ]
        raw = self._raw(cal_x)
        scores = np.maximum(raw[:, 0] - cal_y, cal_y - raw[:, 2])
        level = min(1.0, math.ceil((len(cal_y) + 1) * (1 - ALPHA)) / len(cal_y))
        self.q = float(np.quantile(scores, level))
        return self

    def prepare(self) -> ConformalQuantileRegression:
        """Compile the three quantile models to numpy for serving (same numbers, no per-call
        scikit-learn overhead; `gnn/models/compiled.py`)."""
        from gnn.models.compiled import regressor

        fast = [regressor(m) for m in self.models]
        self._fast = fast if all(f is not None for f in fast) else None
        return self

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_fast"}

    def _raw(self, x: np.ndarray) -> np.ndarray:
        fast = getattr(self, "_fast", None)
        out = np.column_stack([f(x) for f in fast] if fast else [m.predict(x) for m in self.models])
        return np.sort(out, axis=1)  # quantile crossing would otherwise give P10 > P50

    def predict(self, x: np.ndarray, classes: list[str]) -> np.ndarray:
        raw = self._raw(x)
        raw[:, 0] -= self.q
        raw[:, 2] += self.q
        return raw


class MondrianCQR(ConformalQuantileRegression):
    """CQR calibrated per problem class (Mondrian conformal), so each class's P10-P90 covers about
    80% of its own projects instead of 80% on average over classes of different spread.

    A class needs many calibration scores of its own, more than the newest quarter holds, so the
    scores are out-of-fold (cross-conformal): the quantile models are fitted FOLDS times, each
    without one fold, and every training project is scored by the fit that did not see it. A
    class with at least MIN_CLASS_CALIBRATION scores gets its own margin (expected coverage
    ceil((n+1)0.8)/(n+1), 80-82% from n = 20 on); a smaller class, or one never seen, gets the
    pooled margin of every score. The served quantile models are then fitted on every project.
    """

    def fit(self, x: np.ndarray, y: np.ndarray, classes: list[str]) -> MondrianCQR:
        folds = np.arange(len(y)) % FOLDS
        raw = np.zeros((len(y), 3))
        for k in range(FOLDS):
            held = folds == k
            self.models = _quantile_models(x[~held], y[~held])
            raw[held] = self._raw(x[held])
        self.models = _quantile_models(x, y)
        scores = np.maximum(raw[:, 0] - y, y - raw[:, 2])
        self.q = _margin(scores)
        labels = np.asarray(classes)
        self.q_by_class = {c: _margin(scores[labels == c]) for c in set(classes)
                           if int((labels == c).sum()) >= MIN_CLASS_CALIBRATION}
        return self

    def predict(self, x: np.ndarray, classes: list[str]) -> np.ndarray:
        raw = self._raw(x)
        q = np.asarray([self.q_by_class.get(c, self.q) for c in classes])
        raw[:, 0] -= q
        raw[:, 2] += q
        return raw


def _quantile_models(x: np.ndarray, y: np.ndarray) -> list[Any]:
    from sklearn.ensemble import HistGradientBoostingRegressor

    return [HistGradientBoostingRegressor(loss="quantile", quantile=q, max_iter=60, learning_rate=0.1, max_depth=3,
                                          min_samples_leaf=8, random_state=0).fit(x, y) for q in QUANTILES]


def _margin(scores: np.ndarray) -> float:
    """Split-conformal margin: the ceil((n + 1)(1 - alpha)) / n empirical quantile of the scores."""
    level = min(1.0, math.ceil((len(scores) + 1) * (1 - ALPHA)) / len(scores))
    return float(np.quantile(scores, level))


METHODS = {"class_quantiles": ClassQuantiles, "knn_quantiles": KnnQuantiles, "cqr": ConformalQuantileRegression,
           "cqr_mondrian": MondrianCQR}


def class_calibration(per_class: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Pearson chi-square of per-class P10-P90 hits against 80% (one degree of freedom per class):
    large when some class is covered far more or far less often than 80% of the time."""
    from scipy.stats import chi2

    target = 1 - ALPHA
    stat = sum((row["coverage"] * row["n"] - target * row["n"]) ** 2 / (target * ALPHA * row["n"])
               for row in per_class.values() if row["n"])
    dof = sum(1 for row in per_class.values() if row["n"])
    return {"chi2": float(stat), "dof": dof, "p": float(chi2.sf(stat, dof)) if dof else math.nan}


def score(y: np.ndarray, q: np.ndarray, classes: list[str]) -> dict[str, Any]:
    inside = (y >= q[:, 0]) & (y <= q[:, 2])
    per_class = {c: {"n": int(sum(1 for k in classes if k == c)),
                     "coverage": float(inside[[k == c for k in classes]].mean())}
                 for c in sorted(set(classes))}
    return {
        "classCalibration": class_calibration(per_class),
        "n": int(len(y)),
        "coverage": float(inside.mean()) if len(y) else math.nan,
        "coverageByClass": per_class,
        "widthLog": float(np.mean(q[:, 2] - q[:, 0])) if len(y) else math.nan,
        "widthRatio": float(np.mean(np.exp(q[:, 2] - q[:, 0]))) if len(y) else math.nan,
        "pinball": float(np.mean([pinball(y, q[:, i], t) for i, t in enumerate(QUANTILES)])) if len(y) else math.nan,
    }


@dataclass
class IntervalResult:
    target: str
    chosen: str
    reason: str
    valid: dict[str, dict[str, Any]] = field(default_factory=dict)
    test: dict[str, dict[str, Any]] = field(default_factory=dict)


def evaluate(target: str, data: tuple[np.ndarray, np.ndarray, list[str]],
             valid: tuple[np.ndarray, np.ndarray, list[str]],
             test: tuple[np.ndarray, np.ndarray, list[str]]) -> IntervalResult:
    result = IntervalResult(target, "", "")
    for name, cls in METHODS.items():
        model = cls().fit(*data)
        result.valid[name] = score(valid[1], model.predict(valid[0], valid[2]), valid[2])
        result.test[name] = score(test[1], model.predict(test[0], test[2]), test[2])
    result.chosen, result.reason = choose(result.valid)
    return result


def choose(valid: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """Sharpest (lowest pinball) among the methods calibrated overall and per class on validation."""
    near = [k for k, v in valid.items() if abs(v["coverage"] - (1 - ALPHA)) <= 0.10] or list(valid)
    calibrated = [k for k in near if valid[k]["classCalibration"]["p"] >= 0.05]
    if calibrated:
        chosen = min(calibrated, key=lambda k: valid[k]["pinball"])
        return chosen, (f"lowest validation pinball loss ({valid[chosen]['pinball']:.3f}) among methods with validation "
                        f"coverage within 10 points of 80%, overall and per class (chi-square p >= 0.05; "
                        f"{chosen} p = {valid[chosen]['classCalibration']['p']:.2f})")
    chosen = min(near, key=lambda k: valid[k]["classCalibration"]["chi2"])
    return chosen, (f"no method's validation coverage is consistent with 80% in every class; closest per class "
                    f"(chi-square {valid[chosen]['classCalibration']['chi2']:.1f}, "
                    f"p = {valid[chosen]['classCalibration']['p']:.3f})")
