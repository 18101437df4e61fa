"""`createApiKey` / `revokeApiKey`: key management for admins (the same service as `maestro keys`)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from maestro_graph.api.auth import CanAdmin
from maestro_graph.api.types.common import ErrorCode, MutationError
from maestro_graph.api.types.keys import ApiKey, CreateApiKeyResult, CreatedApiKey, KeyRole, RevokeApiKeyResult
from maestro_graph.errors import MaestroError
from maestro_graph.principal import Role
from maestro_graph.service import keys


def _error(exc: MaestroError) -> MutationError:
    return MutationError(code=ErrorCode(exc.code), message=exc.message, field=exc.field)


@strawberry.type
class KeysMutation:
    @strawberry.mutation(description="Create an API key; the answer holds the key, shown this once. Admin only.",
                         permission_classes=[CanAdmin])
    async def create_api_key(self, info: Info, role: KeyRole, name: str) -> CreateApiKeyResult:
        try:
            new = await keys.create_key(info.context.store, info.context.authenticator.secret, Role(role.value), name,
                                        info.context.principal.id)
        except MaestroError as exc:
            return _error(exc)
        row = next(r for r in await keys.list_keys(info.context.store) if r["prefix"] == new.prefix)
        return CreatedApiKey(key=new.key, api_key=ApiKey.from_row(row))

    @strawberry.mutation(description="Revoke an API key by prefix: this server refuses it at once, others within "
                                     "MAESTRO_API_KEY_CACHE_S seconds. Admin only.", permission_classes=[CanAdmin])
    async def revoke_api_key(self, info: Info, prefix: str) -> RevokeApiKeyResult:
        try:
            revoked, _ = await keys.revoke_key(info.context.store, prefix, info.context.principal.id)
        except MaestroError as exc:
            return _error(exc)
        info.context.authenticator.cache.clear()
        row = next(r for r in await keys.list_keys(info.context.store) if r["prefix"] == revoked)
        return ApiKey.from_row(row)
