"""The re-ranker learns what the demo plants: a new project takes the newest version of what its
class needs, which old projects could not use yet."""

from __future__ import annotations

import numpy as np
import pytest

from gnn.models import recommend


@pytest.fixture(autouse=True)
def _one_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def _catalogue(n: int = 120, seed: int = 0) -> recommend.Catalogue:
    """Artifacts: tool@1, tool@2 (one name, two versions), then 6 single-version fillers.
    Class "a" projects need the tool: the older half can only take tool@1, the newer half mostly
    takes tool@2. Everyone takes two random fillers."""
    rng = np.random.default_rng(seed)
    ids = ["tool@1", "tool@2", *(f"filler{i}" for i in range(6))]
    usage = np.zeros((n, len(ids)))
    classes = ["a" if i % 2 == 0 else "b" for i in range(n)]
    for i in range(n):
        if classes[i] == "a" and rng.random() < 0.8:
            usage[i, 1 if i >= n // 2 and rng.random() < 0.85 else 0] = 1
        usage[i, 2 + rng.choice(6, size=2, replace=False)] = 1
    text = rng.normal(size=(n, 4))
    text /= np.linalg.norm(text, axis=1, keepdims=True)
    return recommend.Catalogue(ids, usage, classes, [[c] for c in classes], text, [None] * n,
                               families=["tool", "tool", *ids[2:]], version_rank=[1, 0, 0, 0, 0, 0, 0, 0],
                               recency=[i / (n - 1) for i in range(n)])


def test_a_new_project_of_the_class_gets_the_newest_version_first() -> None:
    cat = _catalogue()
    assert cat.used_rank.tolist()[:2] == [1.0, 0.0]
    reranker = recommend.Reranker().fit(cat)
    text = np.zeros(4)
    sig = cat.signals("a", ["a"], text)
    scores = recommend.rank("reranker", sig, reranker, cat.reranker_inputs(sig, "a"))
    order = [cat.artifact_ids[j] for j in np.argsort(-scores, kind="stable")]
    assert order[0] == "tool@2", order
    # class popularity alone still prefers the version most projects (the old ones) used
    assert sig[0, 1] >= sig[1, 1] * 0.8
    other = cat.signals("b", ["b"], text)
    other_scores = recommend.rank("reranker", other, reranker, cat.reranker_inputs(other, "b"))
    assert other_scores[1] < scores[1]  # the need is the class's, not everyone's


def test_family_signals_sum_over_versions_and_shares_do_not_depend_on_catalogue_size() -> None:
    cat = _catalogue()
    sig = cat.signals("a", ["a"], np.zeros(4))
    context = cat.context(sig, "a")
    assert context[0, 1] == context[1, 1] == sig[0, 1] + sig[1, 1]
    half = cat.subset(np.flatnonzero(np.arange(120) % 4 < 2))  # both classes, half the size
    s_full, _ = cat.reranker_inputs(sig, "a")
    half_sig = half.signals("a", ["a"], np.zeros(4))
    s_half, _ = half.reranker_inputs(half_sig, "a")
    assert np.allclose(s_full[:, 0].sum(), s_half[:, 0].sum(), rtol=0.2)
