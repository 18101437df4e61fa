"""Per-class (Mondrian) conformal intervals: each class covers about 80% of its own projects."""

from __future__ import annotations

import numpy as np
import pytest

from gnn.models import intervals


@pytest.fixture(autouse=True)
def _one_thread():
    """As `gnn.train.train` fits: OpenMP pools spin and slow small fits many-fold on a shared machine."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def _two_spreads(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """log(duration) = x0 + noise, where "wild" projects are four times noisier than "calm" ones;
    the class is not a model input, so only the calibration can tell them apart."""
    rng = np.random.default_rng(seed)
    wild = rng.random(n) < 0.5
    x = rng.normal(size=(n, 3))
    y = x[:, 0] + rng.normal(0, 1, n) * np.where(wild, 1.0, 0.25)
    return x, y, ["wild" if w else "calm" for w in wild]


def _coverage(model, x: np.ndarray, y: np.ndarray, classes: list[str]) -> dict[str, float]:
    q = model.predict(x, classes)
    inside = (y >= q[:, 0]) & (y <= q[:, 2])
    return {c: float(inside[[k == c for k in classes]].mean()) for c in ("calm", "wild")}


def test_mondrian_calibration_covers_each_class_where_pooled_does_not() -> None:
    train, test = _two_spreads(300, 0), _two_spreads(2000, 1)
    pooled = _coverage(intervals.ConformalQuantileRegression().fit(*train), *test)
    mondrian_model = intervals.MondrianCQR().fit(*train)
    mondrian = _coverage(mondrian_model, *test)
    assert set(mondrian_model.q_by_class) == {"calm", "wild"}
    assert mondrian_model.q_by_class["wild"] > mondrian_model.q_by_class["calm"]
    for c in ("calm", "wild"):
        assert 0.70 <= mondrian[c] <= 0.90, mondrian
    # the pooled margin over-covers the calm class and under-covers the wild one by more
    assert abs(pooled["calm"] - pooled["wild"]) > abs(mondrian["calm"] - mondrian["wild"])


def test_a_class_with_too_few_calibration_scores_gets_the_pooled_margin() -> None:
    x, y, classes = _two_spreads(120, 2)
    classes = ["rare" if i < intervals.MIN_CLASS_CALIBRATION - 1 else c for i, c in enumerate(classes)]
    model = intervals.MondrianCQR().fit(x, y, classes)
    assert "rare" not in model.q_by_class
    low_high = model.predict(x[:1], ["rare"])[0]
    unknown = model.predict(x[:1], ["never-seen"])[0]
    np.testing.assert_allclose(low_high, unknown)
    raw = model._raw(x[:1])[0]
    assert np.isclose(raw[2] + model.q, low_high[2]) and np.isclose(raw[0] - model.q, low_high[0])


def test_the_served_method_is_the_one_calibrated_per_class_on_validation() -> None:
    """Pooled CQR is the sharper on average but covers the calm class far more than 80% and the
    wild one far less: validation says so per class, and the per-class calibrated method wins."""
    result = intervals.evaluate("durationDays", _two_spreads(300, 0), _two_spreads(600, 3), _two_spreads(200, 4))
    pooled, mondrian = result.valid["cqr"], result.valid["cqr_mondrian"]
    assert pooled["classCalibration"]["p"] < 0.05 <= mondrian["classCalibration"]["p"]
    assert result.chosen == "cqr_mondrian", result.reason


def test_without_a_per_class_calibrated_method_the_closest_one_is_served() -> None:
    def row(coverage_by_class: dict[str, tuple[int, float]], pinball: float) -> dict:
        per_class = {c: {"n": n, "coverage": cov} for c, (n, cov) in coverage_by_class.items()}
        total = sum(n for n, _ in coverage_by_class.values())
        return {"coverage": sum(n * cov for n, cov in coverage_by_class.values()) / total, "pinball": pinball,
                "coverageByClass": per_class, "classCalibration": intervals.class_calibration(per_class)}

    valid = {"sharp": row({"a": (100, 0.95), "b": (100, 0.62)}, 0.10),
             "closer": row({"a": (100, 0.90), "b": (100, 0.70)}, 0.20),
             "calibrated": row({"a": (100, 0.81), "b": (100, 0.79)}, 0.30)}
    assert intervals.choose(valid)[0] == "calibrated"
    del valid["calibrated"]
    assert intervals.choose(valid)[0] == "closer"
