"""API keys: created, listed, revoked and verified, stored in the graph as `ApiKey` nodes.

A key reads `mgk_<prefix>_<secret>`. The prefix (8 hex digits) is stored in clear to find the
key and to name it in `maestro keys list`; only a keyed digest of the whole key is stored
(HMAC-SHA256 with the server secret, ~1 µs: argon2's ~180 ms per check is too slow per request,
and a random 256-bit key needs no stretching). A stolen database alone does not yield keys, and
digests are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from maestro_graph import model as m
from maestro_graph.errors import InvalidInput, NotFound
from maestro_graph.principal import Principal, Role
from maestro_graph.service.writes import now_ms
from maestro_graph.store.port import GraphStore

KEY_PATTERN = re.compile(r"^mgk_([0-9a-f]{8})_([A-Za-z0-9_-]{20,100})$")


@dataclass(frozen=True)
class NewKey:
    """What `create_key` answers: the key itself is shown once and never stored."""

    key: str
    prefix: str
    name: str
    role: Role


def digest(secret: bytes, key: str) -> str:
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidInput(f"role must be one of {', '.join(r.value for r in Role)}", "role") from None


async def create_key(store: GraphStore, secret: bytes, role: Role, name: str, created_by: str) -> NewKey:
    name = m.check_text(name, "name", max_len=100) or ""
    prefix = secrets.token_hex(4)
    key = f"mgk_{prefix}_{secrets.token_urlsafe(32)}"
    props = {"id": f"key:{prefix}", "prefix": prefix, "digest": digest(secret, key), "role": role.value,
             "name": name, "createdAt": now_ms(), "createdBy": created_by}
    await store.write("create_api_key", {"props": props})
    return NewKey(key=key, prefix=prefix, name=name, role=role)


async def list_keys(store: GraphStore) -> list[dict[str, Any]]:
    return await store.read("api_keys")


async def revoke_key(store: GraphStore, prefix_or_key: str, revoked_by: str) -> tuple[str, int]:
    """Revoke by prefix (or by the whole key); answers the prefix and the revocation time."""
    match = KEY_PATTERN.match(prefix_or_key)
    prefix = match.group(1) if match else prefix_or_key.strip()
    if not re.fullmatch(r"[0-9a-f]{8}", prefix):
        raise InvalidInput("give a key's 8-digit prefix (see `maestro keys list`) or the key itself", "prefix")
    rows = await store.write("revoke_api_key", {"prefix": prefix, "now": now_ms(), "by": revoked_by})
    if not rows:
        raise NotFound(f"no API key with prefix {prefix}", "prefix")
    return prefix, int(rows[0]["revokedAt"])


async def verify_key(store: GraphStore, secret: bytes, key: str) -> Principal | None:
    """The key's principal, or None when it is malformed, unknown or revoked."""
    match = KEY_PATTERN.match(key)
    if not match:
        return None
    presented = digest(secret, key)
    for row in await store.read("api_keys_by_prefix", {"prefix": match.group(1)}):
        if hmac.compare_digest(str(row["digest"]), presented) and row["revokedAt"] is None:
            return Principal(id=f"key:{row['prefix']}", name=row["name"] or row["prefix"], role=Role(row["role"]))
    return None
