"""Impact scores computed from outcomes: the planted cursed version comes out negative."""

from __future__ import annotations

import pytest

from gnn.data.snapshot import Snapshot
from maestro_graph.demo.signal import CURSED_SCHEMA
from maestro_graph.insight.impact import estimate, estimate_by_class
from tests.api.conftest import post
from tests.learn.conftest import SmallOrg
from tests.learn.test_learning_api import client


def _outcomes(snap: Snapshot) -> dict[str, tuple[str, bool]]:
    return {p.id: (p.problem_class, p.success) for p in snap.projects if p.success is not None}


def test_shrinkage_pulls_a_rarely_used_artifact_toward_zero() -> None:
    outcomes = {f"p{i}": ("c", i % 2 == 0) for i in range(200)}
    # "big": 60 users, all successes; "small": 2 users, both successes; "none": nobody.
    usage = [(f"p{i}", "big") for i in range(0, 120, 2)] + [("p0", "small"), ("p2", "small")]
    usage += [(f"p{i}", f"noise{i % 20}") for i in range(200)]
    impacts = estimate(outcomes, usage, ["big", "small", *(f"noise{k}" for k in range(20))])
    big, small = impacts["big"], impacts["small"]
    assert big.score > small.score > 0
    assert small.score < small.raw and big.low > 0 and small.low < 0 < small.high
    assert big.n == 60 and small.n == 2


def test_the_cursed_version_has_a_negative_impact(snapshot: Snapshot) -> None:
    impacts = estimate(_outcomes(snapshot), snapshot.usages, [a.id for a in snapshot.artifacts])
    cursed = next(a.id for a in snapshot.artifacts
                  if a.name == CURSED_SCHEMA.name and a.version == CURSED_SCHEMA.version)
    assert impacts[cursed].score < 0 and impacts[cursed].raw < 0


async def test_training_stores_impacts_that_the_api_reports(small_org: SmallOrg) -> None:
    cursed = next(a.id for a in small_org.snapshot.artifacts
                  if a.name == CURSED_SCHEMA.name and a.version == CURSED_SCHEMA.version)
    async with client(small_org.store, small_org.data_dir) as c:
        one = await post(c, "query($id: ID!) { artifact(id: $id) { impactScore impactEstimate { score low high n } } }",
                         {"id": cursed})
        above = await post(c, "{ searchArtifacts(minImpactScore: 0.0, first: 100) { edges { node { id } impactScore } } }")
    assert one["data"]["artifact"]["impactScore"] < 0
    # the interval and n the estimate rests on, recomputed from the same outcomes
    expected = estimate(_outcomes(small_org.snapshot), small_org.snapshot.usages,
                        [a.id for a in small_org.snapshot.artifacts])[cursed]
    shown = one["data"]["artifact"]["impactEstimate"]
    assert shown["score"] == one["data"]["artifact"]["impactScore"]
    assert shown["low"] <= shown["score"] <= shown["high"] and shown["n"] > 0
    assert (shown["low"], shown["high"], shown["n"]) == (
        pytest.approx(expected.low), pytest.approx(expected.high), expected.n)
    ids = {e["node"]["id"] for e in above["data"]["searchArtifacts"]["edges"]}
    assert cursed not in ids and all(e["impactScore"] >= 0 for e in above["data"]["searchArtifacts"]["edges"])




def test_an_artifact_that_helps_one_class_stands_out_there_and_not_in_the_pooled_score() -> None:
    """Class "a": its 60 users succeed 90% of the time, its 40 others 30%. Class "b": users and
    others alike succeed half the time. Pooled, the help is diluted; within "a" it is plain."""
    outcomes: dict[str, tuple[str, bool]] = {}
    usage: list[tuple[str, str]] = []
    for i in range(100):
        outcomes[f"a{i}"] = ("a", (i % 10 != 0) if i < 60 else (i % 10 < 3))
        outcomes[f"b{i}"] = ("b", i % 2 == 0)
        if i < 60:
            usage += [(f"a{i}", "helper"), (f"b{i}", "helper")]
        usage.append((f"a{i}" if i % 2 else f"b{i}", f"noise{i % 10}"))
    ids = ["helper", *(f"noise{k}" for k in range(10))]
    cells, pooled = estimate_by_class(outcomes, usage, ids)["helper"], estimate(outcomes, usage, ids)["helper"]
    assert cells["a"].low > 0 and cells["a"].n == 60
    assert cells["b"].low < 0 < cells["b"].high
    assert cells["a"].score > pooled.score


async def test_training_stores_per_class_impacts_that_the_api_reports(small_org: SmallOrg) -> None:
    snap = small_org.snapshot
    expected = estimate_by_class(_outcomes(snap), snap.usages, [a.id for a in snap.artifacts])
    aid = max(expected, key=lambda a: len(expected[a]))  # the artifact estimated in the most classes
    async with client(small_org.store, small_org.data_dir) as c:
        body = await post(c, "query($id: ID!) { artifact(id: $id) { impactByClass { problemClass score low high n } } }",
                          {"id": aid})
    shown = body["data"]["artifact"]["impactByClass"]
    cells = {row["problemClass"].lower(): row for row in shown}
    assert set(cells) == set(expected[aid]) and len(cells) > 1
    for cls, row in cells.items():
        want = expected[aid][cls]
        assert (row["score"], row["low"], row["high"], row["n"]) == (
            pytest.approx(want.score), pytest.approx(want.low), pytest.approx(want.high), want.n)
    assert [row["score"] for row in shown] == sorted((row["score"] for row in shown), reverse=True)
