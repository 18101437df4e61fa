"""Relay-style paging: opaque cursors over a stable order.

Two kinds of cursor. Top-level lists (`projects`, `artifacts`, `persons`) use keyset cursors:
the cursor holds the last item's sort key and id, and the digest of the query it came from
(filter and order), so the next page starts right after that item whatever was inserted or
deleted meanwhile, and a cursor reused with another filter or order is refused. Relationship
pages of one parent (a project's team, ...) are short and use offset cursors.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from maestro_graph.errors import InvalidInput

_PREFIX = "maestro:"
_KEYSET_PREFIX = "maestro-k:"
MAX_OFFSET = 2**31  # no list is that long; a larger offset is a forged cursor


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError
        offset = int(text[len(_PREFIX):])
        if not 0 <= offset < MAX_OFFSET:
            raise ValueError
        return offset
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("after is not a cursor this API returned", "after") from None


def query_digest(*parts: Any) -> str:
    """A short digest of what defines a list query (label, filter, order): binds cursors to it."""
    text = json.dumps(parts, sort_keys=True, default=lambda o: o.__dict__, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_keyset(digest: str, key: Any, node_id: str) -> str:
    payload = json.dumps([digest, key, node_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(f"{_KEYSET_PREFIX}{payload}".encode()).decode()


def decode_keyset(cursor: str, digest: str) -> tuple[Any, str]:
    """(sort key, id) of a keyset cursor made by the same query; INVALID_INPUT otherwise."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_KEYSET_PREFIX):
            raise ValueError
        made_for, key, node_id = json.loads(text[len(_KEYSET_PREFIX):])
        if not isinstance(node_id, str) or not (key is None or isinstance(key, (str, int, float, bool))):
            raise ValueError
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidInput("after is not a cursor this API returned", "after") from None
    if made_for != digest:
        raise InvalidInput("after is a cursor of another query: keep the same where and orderBy", "after")
    return key, node_id


def check_first(first: int | None, *, default: int, maximum: int) -> int:
    limit = default if first is None else first
    if limit < 0 or limit > maximum:
        raise InvalidInput(f"first must be between 0 and {maximum}", "first")
    return limit


@dataclass(frozen=True)
class PageArgs:
    """Where a page starts and how long it is, validated."""

    skip: int
    limit: int

    @classmethod
    def parse(cls, first: int | None, after: str | None, *, default: int, maximum: int) -> PageArgs:
        limit = check_first(first, default=default, maximum=maximum)
        skip = decode_cursor(after) + 1 if after else 0
        return cls(skip, limit)


@dataclass
class Page:
    """One page of rows; `rows` are dicts with at least `node` (and `edge` for relationships)."""

    rows: list[dict[str, Any]]
    total: int
    skip: int = 0

    def edge_key(self, index: int) -> int | str:
        """What an edge keeps to make its cursor: here its offset."""
        return self.skip + index

    @property
    def has_next(self) -> bool:
        return self.skip + len(self.rows) < self.total

    @property
    def has_previous(self) -> bool:
        return self.skip > 0

    def cursor(self, index: int) -> str:
        return encode_cursor(self.skip + index)

    @classmethod
    def of(cls, items: list[dict[str, Any]], args: PageArgs) -> Page:
        """Page a list that is already in memory (small lists such as an artifact's versions)."""
        return cls(items[args.skip : args.skip + args.limit], len(items), args.skip)


@dataclass
class KeysetPage(Page):
    """A page of a keyset list; `total` is None unless the client selected totalCount."""

    total: int | None = None  # type: ignore[assignment]
    next_exists: bool = False
    previous_exists: bool = False
    cursors: list[str] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.next_exists

    @property
    def has_previous(self) -> bool:
        return self.previous_exists

    def cursor(self, index: int) -> str:
        return self.cursors[index]

    def edge_key(self, index: int) -> int | str:
        return self.cursors[index]


Counter = Callable[[], Awaitable[int]]
