"""Fusion, metrics and bootstrap: the arithmetic behind similarity and its evaluation."""

from __future__ import annotations

import random

import pytest

from maestro_graph.evaluation.bootstrap import mean_ci, paired_difference
from maestro_graph.evaluation.metrics import ndcg_at_k, ndcg_binary, recall_at_k
from maestro_graph.similarity import fusion


def test_recall_and_ndcg_reward_relevant_items_ranked_first() -> None:
    assert recall_at_k(["a", "b", "c"], {"a", "z"}, 2) == 0.5
    assert ndcg_binary(["a", "b"], {"a"}, 10) == 1.0
    assert ndcg_binary(["b", "a"], {"a"}, 10) < 1.0
    assert ndcg_at_k([0.0, 0.0], [0.0], 10) == 0.0


def test_paired_bootstrap_separates_a_consistently_better_system() -> None:
    rng = random.Random(1)
    base = [rng.random() for _ in range(200)]
    better = [b + 0.05 for b in base]
    diff = paired_difference(better, base)
    assert diff["low"] > 0 and diff["p_not_better"] == 0.0
    ci = mean_ci(base)
    assert ci["low"] < ci["mean"] < ci["high"]


def _judged(seed: int, informative: int) -> fusion.Judged:
    """Candidates whose gain only the `informative` component predicts; the others are noise."""
    rng = random.Random(seed)
    gains = [rng.random() if rng.random() < 0.3 else 0.0 for _ in range(30)]
    comps = []
    for g in gains:
        parts = [rng.random() * 0.5, rng.random() * 0.5, rng.random() * 0.5]
        parts[informative] = g
        comps.append(tuple(parts))
    return fusion.Judged(comps, gains)  # type: ignore[arg-type]


def test_learned_weights_find_the_informative_evidence_and_beat_rrf() -> None:
    weights = fusion.learn([_judged(i, informative=2) for i in range(30)])
    assert weights.method == "learned"
    assert weights.graph > weights.semantic and weights.graph > weights.lexical
    assert weights.cv_ndcg is not None and weights.rrf_ndcg is not None and weights.cv_ndcg > weights.rrf_ndcg


def test_too_few_teaching_projects_fall_back_to_rrf() -> None:
    assert fusion.learn([_judged(i, informative=0) for i in range(fusion.MIN_QUERIES - 1)]).method == "rrf"


def test_rrf_rewards_agreement_between_lists() -> None:
    scores = fusion.rrf_scores([(0.9, 0.9, 0.9), (1.0, 0.0, 0.0), (0.1, 0.1, 0.1)])
    assert scores[0] > scores[1] and scores[0] > scores[2]


def test_the_lexical_query_vector_is_the_fitted_vectorizers_own() -> None:
    from maestro_graph.similarity.lexical import LexicalIndex

    texts = ["Detect fraudulent card transactions", "card payments and chargebacks, card disputes",
             "Forecast weekly demand per store", "the of and"]
    index = LexicalIndex(texts)
    for query in ["fraudulent card card payments", "forecast demand zebra", "the", ""]:
        theirs = index.vectorizer.transform([query]).toarray()[0]
        ours = [0.0] * len(theirs)
        for column, weight in (index.vectorize(query) or {}).items():
            ours[column] = weight
        assert max(abs(a - b) for a, b in zip(ours, theirs)) < 1e-12
        assert list(index.query(index.vectorize(query))) == pytest.approx(
            list((index.matrix @ index.vectorizer.transform([query]).T).toarray().ravel()), abs=1e-12)
    scores = index.query(index.vectorize("card payments"))
    assert scores.argmax() == 1 and scores[2] == 0.0 and scores[3] == 0.0
    assert sorted(index.matching_terms(index.vectorize("card payments"), 1)) == ["card", "payments"]


def test_graph_evidence_weighs_rare_shared_artifacts_people_tags_and_class() -> None:
    import math

    from maestro_graph.similarity.graph_index import GraphIndex

    index = GraphIndex(artifacts=[{"a", "b"}, {"a"}, {"b", "c"}, set()],
                       people=[{"ann"}, {"ann", "bo"}, set(), set()],
                       tags=[{"fraud"}, set(), {"fraud", "cards"}, set()],
                       classes=["classification", "classification", "nlp", "classification"])
    score, linked = index.evidence({"a", "b"}, {"ann"}, {"fraud"}, "classification")
    aa1 = 1 / math.log(2 + 2)  # project 1 shares "a", used by two projects
    aa2 = 1 / math.log(2 + 2)  # project 2 shares "b", used by two projects
    assert score[1] == pytest.approx(0.5 * aa1 / (1 + aa1) + 0.2 * (1 / 2) + 0.1)
    assert score[2] == pytest.approx(0.5 * aa2 / (1 + aa2) + 0.2 * (1 / 2))
    assert score[3] == pytest.approx(0.1)  # same class only: scored, but not a graph candidate
    assert list(linked) == [0, 1, 2]
    empty, nothing = index.evidence(set(), set(), set(), "vision")
    assert not empty.any() and len(nothing) == 0


def test_the_grid_search_scores_every_weighting_as_the_fused_ranking_does() -> None:
    judged = [_judged(i, informative=i % 3) for i in range(12)]
    grid = fusion._grid_ndcg(judged)
    for i in (0, 7, 30, len(fusion.GRID) - 1):
        assert grid[i] == pytest.approx(fusion._ndcg(fusion.Weights(*fusion.GRID[i], "learned"), judged), abs=1e-9)


def test_a_snapshot_that_took_long_to_build_stays_current_longer_unless_this_process_wrote() -> None:
    import time

    from maestro_graph.similarity.snapshot import TTL_BUILD_FACTOR, Snapshot, SnapshotCache

    cache = SnapshotCache(ttl_s=30.0)
    rows = [{"id": "p:1", "name": "fraud radar", "description": "card fraud", "tags": ["fraud"]}]
    quick, slow = Snapshot.build(rows, 0), Snapshot.build(rows, 0)
    quick.build_s, slow.build_s = 0.1, 10.0
    assert cache.max_age(quick) == 30.0 and cache.max_age(slow) == TTL_BUILD_FACTOR * 10.0
    for snap in (quick, slow):
        snap.built_at = time.monotonic() - 60.0  # older than the TTL
    assert not cache._current(quick, "g")  # a quick build is redone after ttl_s, as before
    assert cache._current(slow, "g")  # a slow one keeps answering: rebuilds stay a small share of the time
    cache.changed("g")
    assert not cache._current(slow, "g")  # a write through this process still makes it out of date
