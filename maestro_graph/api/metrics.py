"""Prometheus metrics: HTTP by route and status, GraphQL by operation name, and `/metrics`.

Labels stay bounded: routes are the app's own path templates (anything else is `unmatched`), and
operation names are the client's only while they look like names and while fewer than
`MAX_OPERATION_NAMES` distinct ones have been seen by this process (then `other`).

With several workers each process writes its samples to files under `PROMETHEUS_MULTIPROC_DIR`
(set by `maestro serve`) and `/metrics` aggregates them, so every scrape sees all workers.
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Sequence
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.types import ExecutionContext

from maestro_graph.config import Settings

MAX_OPERATION_NAMES = 200
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

HTTP_SECONDS = Histogram("maestro_http_request_seconds", "HTTP requests by route, method and status",
                         ["route", "method", "status"], buckets=BUCKETS)
GRAPHQL_SECONDS = Histogram("maestro_graphql_operation_seconds", "GraphQL operations by name and outcome",
                            ["operation", "outcome"], buckets=BUCKETS)
GRAPHQL_ERRORS = Counter("maestro_graphql_errors", "GraphQL errors by operation name and code", ["operation", "code"])

_seen_operations: set[str] = set()
_children: dict[tuple[str, ...], Any] = {}  # (metric name, *label values) -> child: labels() costs a lookup and a lock


def child(metric: Any, *labels: str) -> Any:
    """`metric.labels(*labels)`, remembered (labels are bounded, so is this)."""
    key = (str(id(metric)), *labels)
    found = _children.get(key)
    if found is None:
        found = _children[key] = metric.labels(*labels)
    return found


def operation_label(name: str | None) -> str:
    if not name:
        return "anonymous"
    if name in _seen_operations:
        return name
    if NAME.fullmatch(name) and len(_seen_operations) < MAX_OPERATION_NAMES:
        _seen_operations.add(name)
        return name
    return "other"


class OperationClock:
    """Started when an operation begins; `record` times it and counts its errors by code."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def record(self, context: ExecutionContext) -> None:
        result = context.result
        self.observe(context.operation_name, getattr(result, "errors", None) or context.pre_execution_errors or [])

    def observe(self, operation_name: str | None, errors: Sequence[Any]) -> None:
        """Time the operation named `operation_name` and count its `errors` (GraphQL errors) by code."""
        label = operation_label(operation_name)
        for error in errors:
            code = (error.extensions or {}).get("code") or getattr(getattr(error, "original_error", None), "code", None)
            child(GRAPHQL_ERRORS, label, str(code or "GRAPHQL_VALIDATION_FAILED")).inc()
        child(GRAPHQL_SECONDS, label, "error" if errors else "ok").observe(time.perf_counter() - self.start)


class HttpMetrics:
    """Times every HTTP request under its route template and status.

    Route templates are remembered per (path, method), and label children per label values, so a
    request does not match every route and look up its histogram child again; both memories are
    bounded (arbitrary paths fall under `unmatched` but would otherwise fill the first).
    """

    MAX_REMEMBERED = 1024

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes
        self._routes: dict[tuple[str, str], str] = {}
        self._children: dict[tuple[str, str, int], Any] = {}

    def route(self, scope: Scope) -> str:
        key = (scope["path"], scope["method"])
        found = self._routes.get(key)
        if found is None:
            found = "unmatched"
            for route in self.routes:
                match, _ = route.matches(scope)
                if match is Match.FULL:
                    found = getattr(route, "path", "unmatched")
                    break
            if len(self._routes) >= self.MAX_REMEMBERED:
                self._routes.clear()
            self._routes[key] = found
        return found

    def histogram(self, route: str, method: str, status: int) -> Any:
        key = (route, method, status)
        child = self._children.get(key)
        if child is None:
            child = HTTP_SECONDS.labels(route, method, str(status))
            if len(self._children) < self.MAX_REMEMBERED:
                self._children[key] = child
        return child

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self.histogram(self.route(scope), scope["method"], status).observe(time.perf_counter() - start)


def metrics_allowed(request: Request, settings: Settings) -> bool:
    """Open in development unless a token is set; in production only with the token."""
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    if not token:
        return settings.env != "production"
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


async def metrics(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not metrics_allowed(request, settings):
        return JSONResponse({"error": "metrics need `Authorization: Bearer <MAESTRO_METRICS_TOKEN>`"}, status_code=401)
    if settings.prometheus_multiproc_dir is not None:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(settings.prometheus_multiproc_dir))
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
