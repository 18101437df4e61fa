"""`POST /hooks/github`: HMAC-verified workflow_run webhooks feed the matching project's CI metrics."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from maestro_graph.api.hooks import signature_ok
from maestro_graph.store.port import GraphStore
from tests.api.conftest import gql, graph_counts, load, serve
from tests.ingest.test_ci import gha_run
from tests.ingest.test_git import series

SECRET = "It's a Secret to Everybody"


def test_githubs_published_test_vector() -> None:
    # https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature_ok(SECRET, b"Hello, World!", good)
    assert not signature_ok(SECRET, b"Hello, World?", good)
    assert not signature_ok("another secret", b"Hello, World!", good)
    assert not signature_ok(SECRET, b"Hello, World!", None)


@pytest_asyncio.fixture
async def client(store: GraphStore) -> AsyncIterator[httpx.AsyncClient]:
    """An editor's client: webhooks need no credential (the signature is their authentication),
    the GraphQL calls of these tests do."""
    async with serve(store, github_webhook_secret=SECRET) as api:
        yield api.client


def delivery(payload: dict, secret: str = SECRET, event: str = "workflow_run") -> dict:
    body = json.dumps(payload).encode()
    sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"content": body, "headers": {"X-Hub-Signature-256": sig, "X-GitHub-Event": event,
                                         "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
                                         "Content-Type": "application/json"}}


def completed(run_id: int = 31, repo: str = "octo-org/octo-repo") -> dict:
    return {"action": "completed", "workflow_run": gha_run(run_id, 1, "success", "2024-02-01T10:00:00Z", "2024-02-01T10:10:00Z"),
            "repository": {"id": 1296269, "full_name": repo}, "sender": {"login": "octocat"}}


async def test_a_signed_completed_run_records_metrics_once(client: httpx.AsyncClient, store: GraphStore) -> None:
    await load(store, [{"kind": "project", "id": "p:1", "name": "ci", "repository": "octo-org/octo-repo"}])
    response = await client.post("/hooks/github", **delivery(completed()))
    assert response.status_code == 200 and response.json()["projects"] == ["p:1"]
    assert await series(store, "p:1", "pipeline_duration_s") == [(1706781600000, 600.0)]
    before = await graph_counts(store)
    replay = await client.post("/hooks/github", **delivery(completed()))
    assert replay.status_code == 200 and await graph_counts(store) == before
    rows = await store.read("project_metrics", {"ids": ["p:1"], "type": None, "since": None, "skip": 0, "limit": 10})
    assert {r["node"]["addedBy"] for r in rows[0]["page"]} == {"webhook:github"}  # who added the points


async def test_bad_signature_is_401_and_changes_nothing(client: httpx.AsyncClient, store: GraphStore) -> None:
    await load(store, [{"kind": "project", "id": "p:1", "name": "ci", "repository": "octo-org/octo-repo"}])
    before = await graph_counts(store)
    forged = delivery(completed(), secret="guess")
    assert (await client.post("/hooks/github", **forged)).status_code == 401
    unsigned = delivery(completed())
    del unsigned["headers"]["X-Hub-Signature-256"]
    assert (await client.post("/hooks/github", **unsigned)).status_code == 401
    assert await graph_counts(store) == before


async def test_unknown_repository_and_other_events_are_accepted_and_ignored(client: httpx.AsyncClient, store: GraphStore) -> None:
    await load(store, [{"kind": "project", "id": "p:1", "name": "ci", "repository": "octo-org/octo-repo"}])
    before = await graph_counts(store)
    assert (await client.post("/hooks/github", **delivery(completed(repo="someone/else")))).status_code == 202
    assert (await client.post("/hooks/github", **delivery({"zen": "Keep it simple."}, event="ping"))).status_code == 202
    assert await graph_counts(store) == before


async def test_repository_is_a_project_field_set_by_create_and_update(client: httpx.AsyncClient) -> None:
    created = await gql(client, 'mutation { createProject(input: {id: "p:9", name: "x", repository: "octo-org/octo-repo"}) '
                                "{ ... on Project { repository } ... on MutationError { code field } } }")
    assert created["createProject"] == {"repository": "octo-org/octo-repo"}
    bad = await gql(client, 'mutation { updateProject(id: "p:9", input: {repository: "not a repo"}) '
                            "{ ... on Project { repository } ... on MutationError { code field } } }")
    assert bad["updateProject"] == {"code": "INVALID_INPUT", "field": "repository"}
    moved = await gql(client, 'mutation { updateProject(id: "p:9", input: {repository: "octo-org/other"}) '
                              "{ ... on Project { repository } } }")
    assert moved["updateProject"] == {"repository": "octo-org/other"}


async def test_webhooks_need_no_credential_even_when_anonymous_reads_are_off(store: GraphStore) -> None:
    """GitHub cannot send an API key: the signature alone authenticates a delivery."""
    await load(store, [{"kind": "project", "id": "p:1", "name": "ci", "repository": "octo-org/octo-repo"}])
    async with serve(store, github_webhook_secret=SECRET, anonymous_read=False) as api:
        assert (await api.anon.post("/graphql", json={"query": "{ __typename }"})).status_code == 401
        response = await api.anon.post("/hooks/github", **delivery(completed()))
        assert response.status_code == 200 and response.json()["projects"] == ["p:1"]
