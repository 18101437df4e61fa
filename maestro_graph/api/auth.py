"""Who is calling, and may they: principals on every request, permission classes on the fields.

`AuthMiddleware` turns the `Authorization: Bearer ...` header into a `Principal` on
`request.state.principal` (rate limits and `/metrics` key on it) before any route runs:
- `mgk_...` is an API key, verified against its keyed digest in the graph;
- `MAESTRO_ADMIN_TOKEN`, when set, is an admin credential (kept for existing deployments);
- anything else is a JWT when JWT settings are given.
No header is the anonymous principal. A credential that fails is refused with 401, never
downgraded to anonymous, so a revoked or mistyped key is noticed at once. Anonymous GraphQL
requests are refused too when `MAESTRO_ANONYMOUS_READ` is false.

Verified keys are cached in-process for `MAESTRO_API_KEY_CACHE_S` seconds (default 5), so a
revocation made by `maestro keys revoke` (another process) takes effect within that time.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from graphql import GraphQLError
from strawberry.permission import BasePermission
from strawberry.types import Info

from maestro_graph.api.tokens import TokenVerifier
from maestro_graph.config import Settings
from maestro_graph.errors import Forbidden, StoreUnavailable, Unauthenticated
from maestro_graph.principal import ANONYMOUS, Principal, Role
from maestro_graph.secret import server_secret
from maestro_graph.service.keys import KEY_PATTERN, digest, verify_key
from maestro_graph.store.port import GraphStore

__all__ = ["ANONYMOUS", "AuthMiddleware", "Authenticator", "CanAdmin", "CanEdit", "Principal", "Role", "write_refusal"]

log = logging.getLogger("maestro.auth")
ADMIN_TOKEN_PRINCIPAL = Principal(id="admin-token", name="admin token", role=Role.ADMIN)


class KeyCache:
    """Verified keys by their digest, each trusted for `ttl_s` seconds; bounded so it cannot grow without end."""

    def __init__(self, ttl_s: float, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, key: str) -> Principal | None:
        hit = self._entries.get(key)
        if hit is None or hit[0] <= self.clock():
            self._entries.pop(key, None)
            return None
        return hit[1]

    def clear(self) -> None:
        self._entries.clear()

    def put(self, key: str, principal: Principal) -> None:
        if self.ttl_s <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (self.clock() + self.ttl_s, principal)


class Authenticator:
    """Turns a request's credential into a principal; one per app."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self._secret: bytes | None = None
        self.cache = KeyCache(settings.api_key_cache_s, clock=clock)
        self.tokens = TokenVerifier(settings) if settings.jwt_enabled else None

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = server_secret(self.settings)
        return self._secret

    async def authenticate(self, authorization: str | None, store: GraphStore) -> Principal:
        """The caller's principal; raises Unauthenticated for a credential that does not verify."""
        if not authorization:
            return ANONYMOUS
        scheme, _, credential = authorization.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Unauthenticated("send credentials as `Authorization: Bearer <API key or token>`", "authorization")
        if KEY_PATTERN.match(credential):
            cache_key = digest(self.secret, credential)  # the cache holds no usable key
            principal = self.cache.get(cache_key)
            if principal is None:
                principal = await verify_key(store, self.secret, credential)
                if principal is None:
                    raise Unauthenticated("unknown or revoked API key", "authorization")
                self.cache.put(cache_key, principal)
            return principal
        admin = self.settings.admin_token.get_secret_value() if self.settings.admin_token else ""
        if admin and hmac.compare_digest(credential.encode(), admin.encode()):
            return ADMIN_TOKEN_PRINCIPAL
        if self.tokens is not None:
            principal = self.tokens.verify(credential)
            if principal is not None:
                return principal
            raise Unauthenticated("invalid, expired or foreign bearer token", "authorization")
        raise Unauthenticated("unknown credential", "authorization")


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status, headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


class AuthMiddleware:
    """Authenticates every HTTP request; see the module docstring for the rules."""

    def __init__(self, app: ASGIApp, graphql_path: str = "/graphql") -> None:
        self.app = app
        self.graphql_path = graphql_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.graphql_path:
            # Only GraphQL takes API keys and tokens: /metrics checks its own bearer token, webhooks
            # their signature, and /, /healthz and the GraphiQL assets are public.
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        authenticator: Authenticator = conn.app.state.authenticator
        try:
            principal = await authenticator.authenticate(conn.headers.get("authorization"), conn.app.state.store)
        except Unauthenticated as exc:
            await _refusal(401, exc.code, exc.message)(scope, receive, send)
            return
        except StoreUnavailable as exc:
            await _refusal(503, exc.code, exc.message)(scope, receive, send)
            return
        conn.state.principal = principal
        if (not principal.authenticated and not authenticator.settings.anonymous_read
                and scope["path"] == self.graphql_path and scope["method"] == "POST"):
            await _refusal(401, "UNAUTHENTICATED", "this server needs credentials: `Authorization: Bearer <API key>`")(
                scope, receive, send)
            return
        await self.app(scope, receive, send)


class _RoleRequired(BasePermission):
    """Raises the domain error itself, so the client sees `extensions.code` UNAUTHENTICATED or FORBIDDEN."""

    role: Role
    message = "not allowed"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal: Principal = info.context.principal
        if principal.may(self.role):
            return True
        if not principal.authenticated:
            raise Unauthenticated(f"{info.field_name} needs an {self.role.value} credential "
                                  "(`Authorization: Bearer <API key>`)", "authorization")
        raise Forbidden(f"{info.field_name} needs the {self.role.value} role; this key is a "
                        f"{principal.role.value if principal.role else 'none'}", "authorization")


class CanEdit(_RoleRequired):
    """Creates and updates: editors and admins."""

    role = Role.EDITOR


class CanAdmin(_RoleRequired):
    """Deletes and key management: admins only."""

    role = Role.ADMIN


def write_refusal(principal: Principal | None) -> GraphQLError | None:
    """Why a mutation operation may not run for `principal` (None: it may); anonymous when absent."""
    principal = ANONYMOUS if principal is None else principal
    if principal.may(Role.EDITOR):
        return None
    error = (Forbidden("mutations need the editor role", "authorization") if principal.authenticated
             else Unauthenticated("mutations need an editor credential (`Authorization: Bearer <API key>`)",
                                  "authorization"))
    return GraphQLError(error.message, original_error=error)
