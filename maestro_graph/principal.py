"""Who is calling: a principal and its role, shared by the API edge and the service layer.

Roles are ordered as DataHub's are: a reader queries, an editor also creates and updates, an
admin also deletes and manages keys. An anonymous caller has no role at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(Enum):
    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        """True when this role includes everything `needed` may do."""
        return self.rank >= needed.rank


_RANK = {Role.READER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class Principal:
    """`id` is what audit fields record: `key:<prefix>`, `jwt:<sub>`, `admin-token` or `anonymous`."""

    id: str
    name: str
    role: Role | None

    @property
    def authenticated(self) -> bool:
        return self.role is not None

    def may(self, needed: Role) -> bool:
        return self.role is not None and self.role.allows(needed)


ANONYMOUS = Principal(id="anonymous", name="anonymous", role=None)
