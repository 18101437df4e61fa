"""The API as a client sees it: the real ASGI app over HTTP, on the real embedded store.

`api` gives each test its own app on the per-test graph of `store`; `gql` posts one GraphQL
document and checks, for every response any test makes, that no error text leaks internals.
`api.client` sends an EDITOR API key by default (so tests can arrange data with mutations);
`api.anon` sends no credential, and `api.headers(Role.READER)` gives another role's header.
Data is arranged through the public surface only: mutations or a JSONL import.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio
from starlette.applications import Starlette

from maestro_graph.api.app import create_app
from maestro_graph.config import Settings
from maestro_graph.principal import Role
from maestro_graph.secret import server_secret
from maestro_graph.service.keys import create_key
from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.store.instrumented import InstrumentedStore
from maestro_graph.store.port import GraphStore

ADMIN_TOKEN = "s3cret"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
LEAKS = ("traceback", "match ", "match(", "cypher", "redis", "falkor", "statement", "file \"", ".py")


@dataclass
class Api:
    app: Starlette
    client: httpx.AsyncClient
    anon: httpx.AsyncClient
    keys: dict[Role, str]

    @property
    def store(self) -> InstrumentedStore:
        return self.app.state.store

    def headers(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


def settings_for_tests(**overrides: Any) -> Settings:
    """A long key cache: the default client's key is verified once, so tests that count store
    calls see only the calls their query makes."""
    values: dict[str, Any] = {"admin_token": ADMIN_TOKEN, "secret_key": "test-server-secret", "api_key_cache_s": 300,
                              **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def serve(store: GraphStore, **settings: Any) -> AsyncIterator[Api]:
    """The app on `store`, with one API key per role; `settings` override the test defaults."""
    app = create_app(settings_for_tests(**settings), store=store)
    secret = server_secret(app.state.settings)
    keys = {role: (await create_key(store, secret, role, f"test {role.value}", "system")).key for role in Role}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        editor = {"Authorization": f"Bearer {keys[Role.EDITOR]}"}
        async with (httpx.AsyncClient(transport=transport, base_url="http://test", headers=editor) as client,
                    httpx.AsyncClient(transport=transport, base_url="http://test") as anon):
            assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
            app.state.store.calls.clear()  # the key check above is not a test's own store call
            yield Api(app, client, anon, keys)


@pytest_asyncio.fixture
async def api(store: GraphStore) -> AsyncIterator[Api]:
    async with serve(store) as served:
        yield served


def _mutation_errors(value: Any) -> list[dict[str, Any]]:
    """Every `MutationError`-shaped object (code + message) anywhere in `data`."""
    if isinstance(value, list):
        return [e for item in value for e in _mutation_errors(item)]
    if isinstance(value, dict):
        own = [value] if "code" in value and "message" in value else []
        return own + [e for item in value.values() for e in _mutation_errors(item)]
    return []


def assert_no_leak(body: Any) -> None:
    """No error a client receives (GraphQL error or typed mutation error) names the store,
    its query language or our code."""
    body = body or {}
    for error in (body.get("errors") or []) + _mutation_errors(body.get("data")):
        text = json.dumps(error).lower()
        for marker in LEAKS:
            assert marker not in text, f"error leaks {marker!r}: {error}"


async def post(client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None,
               headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The raw response body of one GraphQL POST (data and errors), leak-checked."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    body = response.json()
    assert_no_leak(body)
    return body


async def gql(client: httpx.AsyncClient, query: str, *, headers: dict[str, str] | None = None, **variables: Any) -> dict[str, Any]:
    """`data` of a query that must succeed; fails the test with the errors otherwise."""
    body = await post(client, query, variables, headers)
    assert not body.get("errors"), body["errors"]
    return body["data"]


async def gql_error(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    """The single error of a query that must fail (its message plus `code` and `field`)."""
    body = await post(client, query, variables)
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    error = errors[0]
    return {"message": error["message"], **error.get("extensions", {})}


async def load(store: GraphStore, records: list[dict[str, Any]]) -> None:
    """Arrange a graph through the JSONL importer (the `maestro import` path)."""
    await import_lines(store, [json.dumps(r) for r in records], batch_size=500)


async def graph_counts(store: GraphStore) -> tuple[int, int]:
    row = (await store.read("graph_counts"))[0]
    return row["nodes"], row["edges"]


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


def names(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in connection["edges"]]


Answer = tuple[int, list[tuple[str, str]], bytes, Counter[str]]


async def answer_with(api: Api, client: httpx.AsyncClient, query: str, variables: dict[str, Any], *, setting: str,
                      enabled: bool, operation_name: str | None = None) -> Answer:
    """The whole HTTP answer (status, headers, body) with one of the app's switches set (e.g.
    `compiled_nested_reads`), and the store calls it took: what a fast path must reproduce."""
    settings = api.app.state.settings
    before = getattr(settings, setting)
    setattr(settings, setting, enabled)
    api.store.calls.clear()
    try:
        payload: dict[str, Any] = {"query": query, "variables": variables}
        if operation_name is not None:
            payload["operationName"] = operation_name
        response = await client.post("/graphql", json=payload)
    finally:
        setattr(settings, setting, before)
    return response.status_code, sorted(response.headers.items()), response.content, Counter(api.store.calls)
