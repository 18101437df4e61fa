"""Relay-style paging: opaque cursors over a stable order, with the total counted in the store.

Cursors encode an offset. Every list query orders by a total order (its sort key, then id),
so walking the pages of an unchanged graph returns each item exactly once.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from maestro_graph.errors import InvalidInput

_PREFIX = "maestro:"
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


@dataclass(frozen=True)
class PageArgs:
    """Where a page starts and how long it is, validated."""

    skip: int
    limit: int

    @classmethod
    def parse(cls, first: int | None, after: str | None, *, default: int, maximum: int) -> PageArgs:
        limit = default if first is None else first
        if limit < 0 or limit > maximum:
            raise InvalidInput(f"first must be between 0 and {maximum}", "first")
        skip = decode_cursor(after) + 1 if after else 0
        return cls(skip, limit)


@dataclass
class Page:
    """One page of rows; `rows` are dicts with at least `node` (and `edge` for relationships)."""

    rows: list[dict[str, Any]]
    total: int
    skip: int = 0

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
