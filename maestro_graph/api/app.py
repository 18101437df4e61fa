"""Build the Starlette app: `/`, `/healthz`, `/metrics`, and GraphQL at `/graphql`.

The store is opened in the lifespan (or handed in by tests and benchmarks), so importing this
module costs nothing and never loads torch.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maestro_graph import __version__
from maestro_graph.config import Settings
from maestro_graph.store.instrumented import InstrumentedStore
from maestro_graph.store.open import open_store
from maestro_graph.store.port import GraphStore


async def root(request: Request) -> JSONResponse:
    return JSONResponse({"app": "Maestro ML Platform", "version": __version__, "status": "running"})


async def healthz(request: Request) -> JSONResponse:
    store: GraphStore = request.app.state.store
    if await store.health():
        return JSONResponse({"status": "ok", "store": store.dialect, "graph": store.graph})
    return JSONResponse({"status": "unavailable", "store": store.dialect}, status_code=503)


async def metrics(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> Starlette:
    """`store` given: the app uses it and leaves closing it to the caller (tests, benchmarks)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from maestro_graph.api.embedding import embedding_runtime

        if store is not None:
            app.state.store = InstrumentedStore.wrap(store)
            async with embedding_runtime(app.state.store, settings) as app.state.embedding:
                yield
            return
        async with open_store(settings) as opened:
            app.state.store = InstrumentedStore.wrap(opened)
            async with embedding_runtime(app.state.store, settings) as app.state.embedding:
                yield

    from maestro_graph.api.graphql import graphql_routes

    routes = [
        Route("/", root),
        Route("/healthz", healthz),
        Route("/metrics", metrics),
        *graphql_routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.settings = settings
    return app
