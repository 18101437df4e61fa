"""Real training on a small demo organisation: every task against its baselines, on held-out projects."""

from __future__ import annotations

import json

from gnn import registry
from tests.learn.conftest import SmallOrg


def _report(org: SmallOrg) -> dict:
    return json.loads((org.model_path / "model.json").read_text())


def test_every_task_is_evaluated_against_its_baselines_on_held_out_projects(small_org: SmallOrg) -> None:
    tasks = _report(small_org)["evaluation"]["tasks"]
    rec = tasks["recommendation"]
    assert set(rec["test"]) == {"popularity", "class_popularity", "tag_cooccurrence", "knn_votes", "reranker"}
    assert rec["chosen"] == max(rec["valid"], key=lambda m: rec["valid"][m]["ndcg@10"])
    for row in rec["test"].values():
        low, high = row["ndcg@10Ci"]
        assert 0.0 <= low <= row["ndcg@10"] <= high <= 1.0
    succ = tasks["success"]
    assert set(succ["test"]) == {"base_rate", "logistic", "gradient_boosting", "graph_logistic", "graph_blend", "gnn"}
    assert succ["chosen"] != "gnn" and "gnn" in succ["notServed"]  # evaluated, not servable yet
    servable = {k: v for k, v in succ["valid"].items() if k != "gnn"}
    assert succ["chosen"] == min(servable, key=lambda k: servable[k]["logLoss"])  # the validation winner
    assert succ["test"]["base_rate"]["auc"] == 0.5  # a constant ranks nothing
    for row in succ["test"].values():
        assert 0.0 <= row["ece"] <= 1.0 and row["brier"] <= 1.0 and row["n"] > 0
    for target in ("durationDays", "costUsd"):
        task = tasks[target]
        assert set(task["test"]) == {"class_quantiles", "knn_quantiles", "cqr", "cqr_mondrian"}
        for row in task["test"].values():
            assert 0.0 <= row["coverage"] <= 1.0 and row["widthLog"] > 0
            assert sum(c["n"] for c in row["coverageByClass"].values()) == row["n"]


def test_learned_models_find_the_planted_signal(small_org: SmallOrg) -> None:
    """The planted signal is strong: the served ranker beats popularity, and the best learned
    success model ranks held-out outcomes better than chance. (A few dozen held-out outcomes:
    the margin is checked on the full demo by bench/learning_quality.py, not here.)"""
    tasks = _report(small_org)["evaluation"]["tasks"]
    rec = tasks["recommendation"]["test"]
    assert rec[tasks["recommendation"]["chosen"]]["ndcg@10"] > rec["popularity"]["ndcg@10"]
    succ = tasks["success"]["test"]
    assert max(succ["logistic"]["auc"], succ["gradient_boosting"]["auc"]) > 0.5


def test_train_writes_a_versioned_model_directory(small_org: SmallOrg) -> None:
    path = small_org.model_path
    assert path.parent == registry.models_root(small_org.data_dir)
    info = _report(small_org)
    assert info["version"] == path.name and info["trainedAt"] and len(info["dataFingerprint"]) == 16
    assert set(info["chosen"]) == {"recommendation", "success", "teamSize", "durationDays", "costUsd"}
    assert info["chosen"]["teamSize"] == "team_response"
    for png in ("calibration.png", "coverage.png", "learning_curve.png"):
        assert (path / png).read_bytes()[:4] == b"\x89PNG"
    loaded = registry.Registry(registry.models_root(small_org.data_dir)).current()
    assert loaded is not None and loaded.version == info["version"]
