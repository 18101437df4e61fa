"""API keys as an admin sees them through GraphQL: never the key, except once when it is created."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry

from maestro_graph.api.types.common import EpochMillis, MutationError


@strawberry.enum(name="KeyRole", description="What a key may do: READER queries, EDITOR also writes, ADMIN also deletes and manages keys.")
class KeyRole(Enum):
    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"


@strawberry.type(description="An API key's record; the key itself is never stored.")
class ApiKey:
    prefix: str
    name: str
    role: KeyRole
    created_at: EpochMillis | None
    created_by: str | None
    revoked_at: EpochMillis | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ApiKey:
        return cls(prefix=row["prefix"], name=row["name"] or "", role=KeyRole(row["role"]),
                   created_at=row.get("createdAt"), created_by=row.get("createdBy"), revoked_at=row.get("revokedAt"))


@strawberry.type(description="A new key: `key` is shown this once; store it now.")
class CreatedApiKey:
    key: str
    api_key: ApiKey


CreateApiKeyResult = Annotated[CreatedApiKey | MutationError, strawberry.union("CreateApiKeyResult")]
RevokeApiKeyResult = Annotated[ApiKey | MutationError, strawberry.union("RevokeApiKeyResult")]
