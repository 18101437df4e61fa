"""Build the Starlette app: `/`, `/healthz`, `/metrics`, GraphQL at `/graphql` (GraphiQL's files
under `/graphql/static`).

The store is opened in the lifespan (or handed in by tests and benchmarks), so importing this
module costs nothing and never loads torch.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from maestro_graph import __version__
from maestro_graph.api.auth import AuthMiddleware, Authenticator
from maestro_graph.config import Settings
from maestro_graph.store.instrumented import InstrumentedStore
from maestro_graph.store.open import open_store
from maestro_graph.store.port import GraphStore


LANDING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Maestro Graph</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Maestro ML Platform</h1><p>Version {version}, running.</p>
<ul>
<li><a href="/graphql">GraphiQL</a>: explore and query the graph</li>
<li><a href="/healthz">/healthz</a>: whether the store answers a read</li>
<li><a href="/metrics">/metrics</a>: Prometheus metrics</li>
</ul></body></html>
"""


async def root(request: Request) -> Response:
    """API clients get the status JSON; a browser (which asks for text/html) gets links."""
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(LANDING_PAGE.format(version=__version__))
    return JSONResponse({"app": "Maestro ML Platform", "version": __version__, "status": "running"})


async def healthz(request: Request) -> JSONResponse:
    store: GraphStore = request.app.state.store
    if await store.health():
        return JSONResponse({"status": "ok", "store": store.dialect, "graph": store.graph})
    return JSONResponse({"status": "unavailable", "store": store.dialect}, status_code=503)


@contextmanager
def frozen_startup_heap() -> Iterator[None]:
    """Move what start-up allocated (modules, the schema, caches) out of the collector's sight.

    Why: a full collection walks every tracked object, and after start-up that is ~130,000 of
    them that live as long as the process. Measured in-process (4,000 point reads, loaded
    machine): one full collection took 275 ms in the middle of a request and gen-1 pauses
    reached 23 ms; frozen, 11 ms and 3 ms, p99 20 → 12 ms. `gc.freeze` is O(1); released at
    shutdown so an app started and stopped in a longer-lived process (tests) leaks nothing.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> Starlette:
    """`store` given: the app uses it and leaves closing it to the caller (tests, benchmarks)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from maestro_graph.api.embedding import embedding_runtime
        from maestro_graph.service.retrain import retrainer

        if store is not None:
            app.state.store = InstrumentedStore.wrap(store)
            async with embedding_runtime(app.state.store, settings) as app.state.embedding, \
                    retrainer(app.state.store, settings):
                with frozen_startup_heap():
                    yield
            return
        async with open_store(settings, bootstrap=settings.bootstrap_on_start) as opened:
            app.state.store = InstrumentedStore.wrap(opened)
            async with embedding_runtime(app.state.store, settings) as app.state.embedding, \
                    retrainer(app.state.store, settings):
                with frozen_startup_heap():
                    yield

    from maestro_graph.api.hooks import hook_routes
    from maestro_graph.api.graphql import graphql_routes, schema_for
    from maestro_graph.api.guard import GraphQLGuard
    from maestro_graph.api.metrics import HttpMetrics, metrics
    from maestro_graph.api.ratelimit import RateLimiter
    from maestro_graph.api.schema import query_cost

    routes = [
        Route("/", root),
        Route("/healthz", healthz),
        Route("/metrics", metrics),
        *graphql_routes(settings),
        *hook_routes(),
    ]
    # Outermost first: metrics see every answer; auth names the principal the guard's rate limit bills.
    middleware = [
        Middleware(HttpMetrics, routes=routes),
        Middleware(AuthMiddleware),
        Middleware(
            GraphQLGuard, cost=query_cost(schema_for(settings)), max_body_bytes=settings.max_body_bytes,
            max_response_bytes=settings.max_response_bytes, timeout_s=settings.request_timeout_s,
            rate_limiter=RateLimiter(settings.rate_limit_per_minute),
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    app.state.authenticator = Authenticator(settings)
    return app
