"""What every resolver gets: the store, the settings, per-request loaders and the caller."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from maestro_graph.api.auth import Authenticator
from maestro_graph.api.embedding import EmbeddingRuntime
from maestro_graph.api.loaders import Loaders
from maestro_graph.config import Settings
from maestro_graph.principal import ANONYMOUS, Principal, Role
from maestro_graph.store.port import GraphStore


@dataclass
class Context:
    store: GraphStore
    settings: Settings
    loaders: Loaders
    principal: Principal
    authenticator: Authenticator
    embedding: EmbeddingRuntime | None = None  # encoder, background worker, similarity caches

    @property
    def is_admin(self) -> bool:
        return self.principal.may(Role.ADMIN)


def build_context(request: Request) -> Context:
    """The principal was put on the request by `AuthMiddleware`; without it the caller is anonymous."""
    store: GraphStore = request.app.state.store
    settings: Settings = request.app.state.settings
    principal = getattr(request.state, "principal", ANONYMOUS)
    return Context(store=store, settings=settings, loaders=Loaders(store, settings), principal=principal,
                   authenticator=request.app.state.authenticator,
                   embedding=getattr(request.app.state, "embedding", None))
