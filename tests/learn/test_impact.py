"""Impact scores computed from outcomes: the planted cursed version comes out negative."""

from __future__ import annotations

import pytest

from gnn.data.snapshot import Snapshot
from maestro_graph.demo.signal import CURSED_SCHEMA
from maestro_graph.insight.impact import estimate
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

