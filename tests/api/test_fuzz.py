"""schemathesis over the GraphQL schema, from the ASGI app: generated operations of every query and
mutation field must never answer 5xx, never INTERNAL, and never leak internals.

The app opens its own store connection (to the session's embedded server, over its unix socket)
inside schemathesis' event-loop thread, on a graph of its own. The default run sends at least 300
operations; `-m fuzz_long` runs many more.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.python import asgi

from maestro_graph.api.app import create_app
from maestro_graph.config import Settings
from maestro_graph.store.embedded import EmbeddedFalkorDB
from tests.api.conftest import ADMIN_TOKEN, assert_no_leak

SEED = [
    'mutation { createProject(input: {id: "p:1", name: "fraud", problemClass: CLASSIFICATION}) { __typename } }',
    'mutation { registerArtifact(input: {id: "a:1", name: "pipe", artifactType: FEATURE_PIPELINE, version: "1.0.0"})'
    ' { __typename } }',
    'mutation { logArtifactUsage(projectId: "p:1", artifactId: "a:1") { __typename } }',
    'mutation { addTeamMember(projectId: "p:1", personId: "u:1", name: "Ada") { __typename } }',
]
sent: list[int] = []


@pytest.fixture(scope="module")
def fuzz_app(falkordb_server: EmbeddedFalkorDB) -> Iterator[Any]:
    graph = f"fuzz_{uuid.uuid4().hex[:12]}"
    app = create_app(Settings(  # type: ignore[call-arg]
        _env_file=None, falkordb_url=f"unix://{falkordb_server.socket_path}", graph=graph,
        admin_token=ADMIN_TOKEN, rate_limit_per_minute=0, store_pool_size=4,
    ))
    with asgi.get_client(app) as client:
        for mutation in SEED:
            assert client.post("/graphql", json={"query": mutation}).status_code == 200
    yield app
    asgi.shutdown_lifespans()
    with redis.Redis(unix_socket_path=str(falkordb_server.socket_path)) as r:
        r.execute_command("GRAPH.DELETE", graph)


@pytest.fixture(scope="module")
def graphql_schema(fuzz_app: Any) -> Any:
    return schemathesis.graphql.from_asgi("/graphql", fuzz_app)


def check(case: Any) -> None:
    response = case.call(headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    sent.append(response.status_code)
    assert response.status_code < 500, response.text
    body = response.json()
    assert_no_leak(body)
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL" not in codes, body


def fuzz(graphql_schema: Any, examples: int, *, derandomize: bool) -> int:
    """Every query and mutation field, `examples` generated operations each; returns how many ran.

    (schemathesis' own pytest plugin fails on this pytest, so hypothesis drives the strategies.)
    """
    before = len(sent)
    for result in graphql_schema.get_all_operations():
        operation = result.ok()

        @given(operation.as_strategy())
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), derandomize=derandomize,
                  database=None)
        def run(case: Any) -> None:
            check(case)

        run()
    return len(sent) - before


def test_generated_operations_never_fail_the_server(graphql_schema: Any) -> None:
    assert fuzz(graphql_schema, 22, derandomize=True) >= 300


@pytest.mark.fuzz_long
def test_a_long_fuzz_run_never_fails_the_server(graphql_schema: Any) -> None:
    assert fuzz(graphql_schema, 300, derandomize=False) >= 3000
