"""Who did what: the audit trail that every write through the API leaves on the node it changes."""

from __future__ import annotations

from typing import Any

import strawberry

from maestro_graph.api.types.common import EpochMillis


@strawberry.type(description="Which principal added this node and last changed it, and when "
                             "(`key:<prefix>`, `jwt:<subject>`, `admin-token`; `system` for local commands).")
class Audit:
    added_by: str | None
    added_at: EpochMillis | None
    updated_by: str | None
    updated_at: EpochMillis | None

    @classmethod
    def from_node(cls, n: dict[str, Any]) -> Audit:
        if _KEYS.isdisjoint(n):
            return _NONE  # never written through the API, or not selected: shared, nobody changes it
        return cls(added_by=n.get("addedBy"), added_at=n.get("addedAt"),
                   updated_by=n.get("updatedBy"), updated_at=n.get("updatedAt"))


_KEYS = frozenset(("addedBy", "addedAt", "updatedBy", "updatedAt"))
_NONE = Audit(added_by=None, added_at=None, updated_by=None, updated_at=None)
