"""The served model's numpy fast path answers exactly what scikit-learn answers."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from gnn.models import compiled, success
from gnn.registry import load
from tests.learn.conftest import SmallOrg


def _data(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6))
    x[rng.random((n, 6)) < 0.1] = np.nan  # missing values take the branch the fit chose for them
    y = ((np.nan_to_num(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 1]) + rng.normal(0, 0.5, n)) > 0).astype(float)
    return x, y


@pytest.mark.parametrize("name", ["gradient_boosting", "logistic"])
def test_calibrated_candidates_compile_to_the_same_probabilities(name: str) -> None:
    x, y = _data()
    if name == "logistic":
        x = np.nan_to_num(x)
    model = success.candidates(len(y))[name].fit(x[:80], y[:80])
    fast = compiled.success_proba(model)
    assert fast is not None
    np.testing.assert_allclose(fast(x[80:]), model.predict_proba(x[80:])[:, 1], rtol=1e-12, atol=1e-14)


def test_quantile_trees_compile_to_the_same_predictions() -> None:
    from sklearn.ensemble import HistGradientBoostingRegressor

    x, y = _data()
    model = HistGradientBoostingRegressor(loss="quantile", quantile=0.9, max_iter=30, random_state=0).fit(x, y + np.nan_to_num(x[:, 2]))
    fast = compiled.regressor(model)
    assert fast is not None
    np.testing.assert_array_equal(fast(x), model.predict(x))


def test_graph_aware_candidates_compile_to_the_same_probabilities() -> None:
    x, y = _data()
    x = np.nan_to_num(x)
    names = ["complexity", "text0", "uses:a"]  # content row of 3; the neighbour inputs follow
    rows = np.hstack([x[:, :3], np.repeat(x[:, 3:], 3, axis=1)[:, :7]])
    for name in success.GRAPH_CANDIDATES:
        model = success.graph_candidate(name, 80, names).fit(rows[:80], y[:80])
        slow = model.predict_proba(rows[80:])[:, 1]
        assert model.prepare() is not None
        np.testing.assert_allclose(model.predict_proba(rows[80:])[:, 1], slow, rtol=1e-12, atol=1e-14)


def test_a_model_it_does_not_know_is_left_to_scikit_learn() -> None:
    from sklearn.dummy import DummyClassifier

    x, y = _data()
    assert compiled.success_proba(DummyClassifier(strategy="prior").fit(x, y)) is None


def test_the_loaded_model_serves_the_trained_numbers(small_org: SmallOrg) -> None:
    loaded = load(small_org.model_path)
    served = loaded.served
    slow = pickle.loads(pickle.dumps(served))  # unprepared copy: scikit-learn all the way
    assert getattr(slow, "_success_fast", None) is None
    x = served.features.transform(small_org.snapshot, small_org.snapshot.projects)
    if served.success_graph is not None:  # a graph-aware winner: rows end with its neighbour inputs
        x = np.hstack([x, served.success_graph.transform(small_org.snapshot.projects, small_org.snapshot.used_by())])
    np.testing.assert_allclose(served.success(x), slow.success_model.predict_proba(x)[:, 1], rtol=1e-12, atol=1e-14)
    for target, model in served.interval_models.items():
        classes = [p.problem_class for p in small_org.snapshot.projects]
        slow_model = slow.interval_models[target]
        content = served._content(x)
        np.testing.assert_allclose(model.predict(content, classes), slow_model.predict(content, classes), rtol=1e-12)
