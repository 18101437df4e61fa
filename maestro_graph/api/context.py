"""What every resolver gets: the store, the settings, per-request loaders and the caller's rights."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from starlette.requests import Request

from maestro_graph.api.embedding import EmbeddingRuntime
from maestro_graph.api.loaders import Loaders
from maestro_graph.config import Settings
from maestro_graph.store.port import GraphStore


@dataclass
class Context:
    store: GraphStore
    settings: Settings
    loaders: Loaders
    is_admin: bool
    embedding: EmbeddingRuntime | None = None  # encoder, background worker, similarity caches


def is_admin(request: Request, settings: Settings) -> bool:
    """Admin = the request carries `Authorization: Bearer <MAESTRO_ADMIN_TOKEN>` (unset = nobody)."""
    if settings.admin_token is None or not settings.admin_token.get_secret_value():
        return False
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.encode(), settings.admin_token.get_secret_value().encode())


def build_context(request: Request) -> Context:
    store: GraphStore = request.app.state.store
    settings: Settings = request.app.state.settings
    return Context(store=store, settings=settings, loaders=Loaders(store, settings), is_admin=is_admin(request, settings),
                   embedding=getattr(request.app.state, "embedding", None))
