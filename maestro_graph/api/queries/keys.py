"""`apiKeys`: the key records, for admins."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from maestro_graph.api.auth import CanAdmin
from maestro_graph.api.types.keys import ApiKey
from maestro_graph.service import keys


@strawberry.type
class KeysQuery:
    @strawberry.field(description="Every API key (prefix, name, role, created, revoked), oldest first; admin only.",
                      permission_classes=[CanAdmin])
    async def api_keys(self, info: Info) -> list[ApiKey]:
        return [ApiKey.from_row(row) for row in await keys.list_keys(info.context.store)]
