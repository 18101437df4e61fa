"""The meta-model over GraphQL, as a client sees it: real app, real store, a real trained model."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from maestro_graph.api.app import create_app
from maestro_graph.config import Settings
from maestro_graph.demo.generate import generate
from maestro_graph.store.port import GraphStore
from tests.api.conftest import post
from tests.learn.conftest import SmallOrg, load

NEW_PROJECT = {"kind": "project", "id": "p:new", "name": "churn-radar", "problemClass": "classification",
               "complexityScore": 6, "status": "planned", "tags": ["classification", "fraud"],
               "description": "Classify fraudulent card transactions in near real time"}


@asynccontextmanager
async def client(store: GraphStore, data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(_env_file=None, data_dir=data_dir), store=store)  # type: ignore[call-arg]
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
            yield c


RECOMMEND = """query($id: ID!, $k: Int) { recommendArtifacts(projectId: $id, k: $k) {
  totalCount edges { score reasons node { id name } } } }"""
PREDICT = """query($id: ID!) { predictOutcome(projectId: $id) {
  successProbability successInterval { low high } durationDays { p10 p50 p90 } costUsd { p10 p50 p90 }
  modelVersion createdAt explanation } }"""


async def test_a_new_project_without_edges_gets_ranked_artifacts_with_reasons(small_org: SmallOrg) -> None:
    await load(small_org.store, [NEW_PROJECT])
    async with client(small_org.store, small_org.data_dir) as c:
        body = await post(c, RECOMMEND, {"id": "p:new", "k": 5})
    edges = body["data"]["recommendArtifacts"]["edges"]
    assert len(edges) == 5
    scores = [e["score"] for e in edges]
    assert scores == sorted(scores, reverse=True)
    assert all(re.fullmatch(r"\d+ of your 10 most similar projects used (it|\S+ \(\d+ this version\)); "
                            r"\d+ of them succeeded", e["reasons"][0]) for e in edges)


async def test_a_recommendation_counts_the_neighbours_that_used_any_version_of_it(small_org: SmallOrg) -> None:
    """The ranker weighs the need for an artifact's name over its versions; the reason must count
    the same way, or a newest version would be explained by "0 of your 10 ... used it"."""
    from gnn.data.snapshot import ProjectRecord
    from maestro_graph.service.learning import current_model

    await load(small_org.store, [NEW_PROJECT])
    async with client(small_org.store, small_org.data_dir) as c:
        body = await post(c, RECOMMEND, {"id": "p:new", "k": 40})
    served = current_model(small_org.data_dir).served
    record = ProjectRecord(id="p:new", name=NEW_PROJECT["name"], description=NEW_PROJECT["description"],
                           tags=NEW_PROJECT["tags"], problem_class="classification", complexity=6, status="planned",
                           started_at=None, team_size=0, metadata={})
    top, _ = served.catalogue.neighbours(served.features.text.transform(["p:new"], [record.text])[0])
    neighbours = [served.project_ids[i] for i in top]
    snap = small_org.snapshot
    name_of = {a.id: a.name for a in snap.artifacts}
    used = {pid: set(aids) for pid, aids in snap.used_by().items()}
    mixed = 0
    for edge in body["data"]["recommendArtifacts"]["edges"]:
        aid, name = edge["node"]["id"], edge["node"]["name"]
        this = sum(1 for n in neighbours if aid in used.get(n, ()))
        any_version = sum(1 for n in neighbours if any(name_of[a] == name for a in used.get(n, ())))
        first = edge["reasons"][0]
        if any_version > this:
            mixed += 1
            assert first.startswith(f"{any_version} of your 10 most similar projects used {name} ({this} this version);")
        else:
            assert first.startswith(f"{this} of your 10 most similar projects used it;")
        assert "earlier projects of class classification" in edge["reasons"][1]
    assert mixed  # the demo's version chains make some neighbours use another version


async def test_recommendations_skip_what_the_project_already_uses(small_org: SmallOrg) -> None:
    snap = small_org.snapshot
    pid, used = next((p, a) for p, a in snap.used_by().items() if len(a) >= 3)
    async with client(small_org.store, small_org.data_dir) as c:
        body = await post(c, RECOMMEND, {"id": pid, "k": 10})
    ids = {e["node"]["id"] for e in body["data"]["recommendArtifacts"]["edges"]}
    assert ids and not ids & set(used)


async def test_predict_outcome_answers_intervals_and_stores_one_prediction_per_model(small_org: SmallOrg) -> None:
    pid = next(p.id for p in small_org.snapshot.projects if p.status == "active")
    async with client(small_org.store, small_org.data_dir) as c:
        first = (await post(c, PREDICT, {"id": pid}))["data"]["predictOutcome"]
        await post(c, PREDICT, {"id": pid})
        stored = await post(c, """query($id: ID!) { project(id: $id) { predictions { totalCount
            edges { node { modelVersion successProbability durationDays } } } } }""", {"id": pid})
    p = first["successProbability"]
    assert 0.0 < p < 1.0 and first["successInterval"]["low"] <= p <= first["successInterval"]["high"]
    for q in (first["durationDays"], first["costUsd"]):
        assert 0 < q["p10"] <= q["p50"] <= q["p90"]
    assert first["modelVersion"] == small_org.model_path.name and first["explanation"]
    predictions = stored["data"]["project"]["predictions"]
    assert predictions["totalCount"] == 1
    assert predictions["edges"][0]["node"]["modelVersion"] == first["modelVersion"]


async def test_an_unchanged_project_reuses_its_stored_prediction_and_a_changed_one_is_predicted_again(
        small_org: SmallOrg) -> None:
    project = {**NEW_PROJECT, "id": "p:reuse", "name": "reuse-radar"}
    await load(small_org.store, [project])
    stored_q = """query($id: ID!) { project(id: $id) { predictions { totalCount edges { node {
        createdAt successProbability } } } } }"""
    async with client(small_org.store, small_org.data_dir) as c:
        first = (await post(c, PREDICT, {"id": "p:reuse"}))["data"]["predictOutcome"]
        again = (await post(c, PREDICT, {"id": "p:reuse"}))["data"]["predictOutcome"]
        await load(small_org.store, [{**project, "complexityScore": 10}])
        changed = (await post(c, PREDICT, {"id": "p:reuse"}))["data"]["predictOutcome"]
        stored = (await post(c, stored_q, {"id": "p:reuse"}))["data"]["project"]["predictions"]
    assert again == first  # same inputs, same model: the stored prediction, its time included
    assert changed["successProbability"] != first["successProbability"]
    assert changed["createdAt"] >= first["createdAt"]
    assert stored["totalCount"] == 1
    node = stored["edges"][0]["node"]
    assert node["successProbability"] == pytest.approx(changed["successProbability"], rel=1e-12)
    assert node["createdAt"] == changed["createdAt"]


async def test_model_info_lists_each_task_with_its_baselines(small_org: SmallOrg) -> None:
    async with client(small_org.store, small_org.data_dir) as c:
        body = await post(c, "{ modelInfo { version tasks { task chosen reason metrics } backtest { n } } }")
    info = body["data"]["modelInfo"]
    tasks = {t["task"]: t for t in info["tasks"]}
    assert info["version"] == small_org.model_path.name
    assert {"base_rate", "logistic", "gradient_boosting", "graph_logistic", "graph_blend", "gnn"} == set(
        tasks["success"]["metrics"])
    assert tasks["recommendation"]["chosen"] in tasks["recommendation"]["metrics"]
    assert info["backtest"]["n"] == 0  # nothing predicted before an outcome arrived yet


async def test_without_a_model_predictions_answer_no_model(small_org: SmallOrg, tmp_path: Path) -> None:
    async with client(small_org.store, tmp_path) as c:
        body = await post(c, PREDICT, {"id": small_org.snapshot.projects[0].id})
        rec = await post(c, RECOMMEND, {"id": small_org.snapshot.projects[0].id})
    assert body["errors"][0]["extensions"]["code"] == "NO_MODEL"
    assert rec["errors"][0]["extensions"]["code"] == "NO_MODEL"


async def test_unknown_project_is_not_found(small_org: SmallOrg) -> None:
    async with client(small_org.store, small_org.data_dir) as c:
        body = await post(c, PREDICT, {"id": "p:nope"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_graph_without_outcomes_trains_recommendations_only(store: GraphStore, tmp_path: Path) -> None:
    from gnn.pipeline import train_and_save

    records = [{k: v for k, v in r.items() if k != "outcome"} for r in generate(3, projects=60, artifacts=20, people=15)]
    await load(store, records)
    path = await train_and_save(store, tmp_path)
    async with client(store, tmp_path) as c:
        pid = records[0]["id"]
        predicted = await post(c, PREDICT, {"id": pid})
        ranked = await post(c, RECOMMEND, {"id": pid, "k": 3})
    assert predicted["errors"][0]["extensions"]["code"] == "NO_MODEL"
    assert len(ranked["data"]["recommendArtifacts"]["edges"]) == 3
    assert (path / "model.json").exists()


def test_serving_without_a_model_imports_no_ml_stack(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from maestro_graph.api.app import create_app\n"
        "from maestro_graph.api.schema import sdl\n"
        "from maestro_graph.config import Settings\n"
        "from maestro_graph.service.learning import current_model\n"
        f"create_app(Settings(_env_file=None, data_dir={str(tmp_path)!r})); sdl()\n"
        f"assert current_model({str(tmp_path)!r}) is None\n"
        "heavy = [m for m in ('torch', 'torch_geometric', 'sklearn', 'sentence_transformers') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


ADVICE = """query($in: RecommendationInput!) { recommendations(input: $in) {
  recommendedTeamSize note teamSizeCurve { teamSize successProbability interval { low high } extrapolated }
  artifacts { edges { node { name } score } } predictedOutcome { successProbability durationDays { p50 } } } }"""


async def test_advice_for_a_planned_project_gives_a_team_curve_artifacts_and_an_outcome(small_org: SmallOrg) -> None:
    spec = {"problemClass": "nlp", "complexityScore": 6, "description": "Summarise support tickets",
            "tags": ["nlp", "support"]}
    async with client(small_org.store, small_org.data_dir) as c:
        body = await post(c, ADVICE, {"in": spec})
        bad = await post(c, ADVICE, {"in": {**spec, "problemClass": "astrology"}})
        shouted = await post(c, ADVICE, {"in": {**spec, "problemClass": "NLP", "tags": ["NLP", "Support"]}})
        finer = await post(c, ADVICE, {"in": {**spec, "problemClass": "object_detection"}})
    advice = body["data"]["recommendations"]
    curve = advice["teamSizeCurve"]
    assert [pt["teamSize"] for pt in curve] == list(range(1, 13))
    assert all(pt["interval"]["low"] <= pt["successProbability"] <= pt["interval"]["high"] for pt in curve)
    assert advice["recommendedTeamSize"] in [pt["teamSize"] for pt in curve if not pt["extrapolated"]]
    assert "associational" in advice["note"] and "cannot tell apart from the best" in advice["note"]
    assert "can differ at the same size" in advice["note"]  # the curve and the outcome come from two models
    assert advice["artifacts"]["edges"] and advice["predictedOutcome"]["durationDays"]["p50"] > 0
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert bad["errors"][0]["extensions"]["field"] == "problemClass"
    # the enum's spelling (NLP) and tags in any case are the same plan; a finer name is read as imports read it
    assert shouted["data"]["recommendations"] == advice
    note = finer["data"]["recommendations"]["note"]
    assert note.startswith("problemClass 'object_detection' read as vision; ")


def test_a_metric_not_measured_yet_is_explained_as_such_never_as_zero(small_org: SmallOrg) -> None:
    """A planned project has no process metrics: its metric columns hold 0 beside a missing flag.
    Explaining "churn = 0: +0.07" would credit it with a churn nobody measured."""
    from gnn.data.snapshot import ProjectRecord
    from maestro_graph.service.learning import current_model

    served = current_model(small_org.data_dir).served
    metrics = [n.removeprefix("metric:") for n in served.names() if n.startswith("metric:") and not n.endswith(":missing")]
    assert metrics  # the small organisation's projects carry process metrics
    planned = ProjectRecord(id="p:plan", name="plan", description="Classify card fraud", tags=["fraud"],
                            problem_class="classification", complexity=6, status="planned", started_at=None,
                            team_size=4, metadata={})
    unmeasured = served.explain(served.row(planned, [], {}), top=1000)
    assert not [f for f in unmeasured if re.match(r"metric:\S+ = ", f)]
    assert {f.split(" not measured yet")[0] for f in unmeasured if "not measured yet" in f} == {f"metric:{t}" for t in metrics}
    measured = served.explain(served.row(planned, [], {t: 3.0 for t in metrics}), top=1000)
    assert {f.rsplit(": ", 1)[0] for f in measured if f.startswith("metric:")} <= {f"metric:{t} = 3" for t in metrics}
    assert not [f for f in measured if "not measured" in f]


def test_an_input_the_project_lacks_is_explained_as_not_recorded_never_as_its_stand_in(small_org: SmallOrg) -> None:
    """A plan without a complexity score is read as 5.5 (the scale's middle), and a metadata key a
    project lacks as the training median. "complexity = 5.5: +0.04" would state a fact nobody
    gave; the factor is about the value being absent."""
    from gnn.data.snapshot import ProjectRecord
    from maestro_graph.service.learning import current_model

    served = current_model(small_org.data_dir).served
    plan = dict(id="p:plan", name="plan", description="Classify card fraud", tags=["fraud"],
                problem_class="classification", status="planned", started_at=None, team_size=4)
    vague = ProjectRecord(**plan, complexity=None, metadata={})
    factors = served.explain(served.row(vague, [], {}), top=1000, unrecorded=served.features.unrecorded(vague))
    assert "complexity not recorded" in [f.split(":")[0] for f in factors]
    assert not [f for f in factors if f.startswith("complexity = ")]
    stated = ProjectRecord(**plan, complexity=6, metadata={})
    factors = served.explain(served.row(stated, [], {}), top=1000, unrecorded=served.features.unrecorded(stated))
    assert "complexity = 6" in [f.split(":")[0] for f in factors]
    # metadata: a key the model reads, present in one project and absent (or not a number) in others
    space = dataclasses.replace(served.features, metadata_keys=["rows", "features"])
    assert space.unrecorded(ProjectRecord(**plan, complexity=6, metadata={"rows": 1e6})) == {"meta:features"}
    assert space.unrecorded(ProjectRecord(**plan, complexity=None, metadata={"rows": "many", "features": 12})) \
        == {"meta:rows", "complexity"}
