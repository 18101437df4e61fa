"""What a client gets wrong at the HTTP level, rate limits, production posture and the metrics."""

from __future__ import annotations

import pytest

from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, load
from tests.api.test_limits import served

POINT = '{ project(id: "p:1") { name } }'


@pytest.mark.parametrize(("body", "says"), [
    (b"1", "JSON object"), (b"null", "JSON object"), (b"[]", "JSON object"), (b'"query"', "JSON object"),
    (b"\xff\xfe{}", "UTF-8"), (b"{not json", "not valid JSON"), (b'{"query": 5}', "`query`"),
    (b'{"query": "{ projects { totalCount } }", "variables": [1]}', "`variables`"),
])
async def test_a_body_that_is_not_a_graphql_request_object_is_a_400(api: Api, body: bytes, says: str) -> None:
    api.store.calls.clear()
    response = await api.client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST" and says in error["message"]
    assert sum(api.store.calls.values()) == 0


async def test_a_body_over_the_size_limit_is_refused_unread(store: GraphStore) -> None:
    async with served(store, max_body_bytes=200) as api:
        padded = '{ projects { totalCount } }' + " " * 300
        response = await api.client.post("/graphql", json={"query": padded})
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

        async def chunks():  # no Content-Length: counted while reading
            for _ in range(10):
                yield b" " * 50

        streamed = await api.client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert (await api.client.post("/graphql", json={"query": "{ projects { totalCount } }"})).status_code == 200


async def test_a_caller_over_its_rate_limit_gets_429_with_retry_after(store: GraphStore) -> None:
    await load(store, [{"kind": "project", "id": "p:1", "name": "limited"}])
    async with served(store, rate_limit_per_minute=60) as api:  # one point a second, 60 in the bucket
        # a 100-project page costs 1 + 100/100 = 2 points: 30 of them drain the bucket (the test app's
        # own warm-up request took 1 point, so 29 pass)
        answers = [await api.client.post("/graphql", json={"query": "{ projects(first: 100) { totalCount } }"})
                   for _ in range(31)]
        statuses = [a.status_code for a in answers]
        assert 429 in statuses  # the bucket refills one point a second, so the first refusal is #30 or #31
        first_refused = statuses.index(429)
        assert first_refused >= 29 and statuses[:first_refused] == [200] * first_refused
        refused = answers[first_refused]
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert int(refused.headers["retry-after"]) >= 1
        # another caller (anonymous: billed by its socket's IP, forwarded headers not trusted) has its own budget
        other = await api.anon.post("/graphql", json={"query": POINT}, headers={"x-forwarded-for": "10.0.0.9"})
        assert other.status_code == 200


async def test_production_turns_graphiql_and_introspection_off_and_protects_metrics(store: GraphStore) -> None:
    await load(store, [{"kind": "project", "id": "p:1", "name": "prod"}])
    async with served(store, env="production", metrics_token="m3trics") as api:
        page = await api.client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404 and "graphiql" not in page.text.lower()
        body = (await api.client.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
        assert body["data"] is None and "introspection" in body["errors"][0]["message"].lower()
        assert await gql(api.client, POINT) == {"project": {"name": "prod"}}
        assert (await api.client.get("/metrics")).status_code == 401
        assert (await api.client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        assert (await api.client.get("/metrics", headers={"Authorization": "Bearer m3trics"})).status_code == 200
    async with served(store, env="production") as api:  # no token set: nobody reads the metrics
        assert (await api.client.get("/metrics")).status_code == 401
    async with served(store, env="production", graphiql=True, introspection=True) as api:
        assert "graphiql" in (await api.client.get("/graphql", headers={"Accept": "text/html"})).text.lower()
        assert await gql(api.client, "{ __schema { queryType { name } } }") == {"__schema": {"queryType": {"name": "Query"}}}


async def test_metrics_count_http_by_route_and_status_and_graphql_by_operation(api: Api) -> None:
    await load(api.store, [{"kind": "project", "id": "p:1", "name": "counted"}])
    await gql(api.client, 'query PointRead { project(id: "p:1") { name } }')
    await api.client.post("/graphql", content=b"1", headers={"content-type": "application/json"})
    await api.client.get("/no/such/page")
    text = (await api.client.get("/metrics")).text
    assert 'maestro_http_request_seconds_count{method="POST",route="/graphql",status="200"}' in text
    assert 'maestro_http_request_seconds_count{method="POST",route="/graphql",status="400"}' in text
    assert 'route="unmatched",status="404"' in text
    assert 'maestro_graphql_operation_seconds_count{operation="PointRead",outcome="ok"}' in text


async def test_operation_name_labels_stay_bounded(api: Api) -> None:
    from maestro_graph.api import metrics

    seen = set(metrics._seen_operations)
    try:
        assert metrics.operation_label(None) == "anonymous"
        assert metrics.operation_label("not a name; drop table") == "other"
        for i in range(300):
            metrics.operation_label(f"Op{i}")
        assert metrics.operation_label("BrandNewAfterTheCap") == "other"
    finally:
        metrics._seen_operations.clear()
        metrics._seen_operations.update(seen)


def test_rate_limits_key_by_principal_when_authenticated_else_by_client_ip() -> None:
    from types import SimpleNamespace

    from maestro_graph.api.ratelimit import RateLimiter, caller_key

    def scope(ip: str, principal: object | None = None) -> dict:
        return {"type": "http", "client": (ip, 1234), "state": {"principal": principal} if principal else {}}

    ada, anon = SimpleNamespace(id="key:ada"), SimpleNamespace(id="anonymous")
    assert caller_key(scope("10.0.0.1", ada)) == caller_key(scope("10.0.0.2", ada)) == "principal:key:ada"
    assert caller_key(scope("10.0.0.1", anon)) == caller_key(scope("10.0.0.1")) == "ip:10.0.0.1"
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])  # 60 points a minute: one a second
    assert limiter.take("ip:a", 60) == 0 and limiter.take("ip:a", 1) > 0 and limiter.take("ip:b", 1) == 0
    now[0] = 1.0  # a second later one point has come back
    assert limiter.take("ip:a", 1) == 0 and limiter.take("ip:a", 1) > 0
