"""FalkorDB's compact result set, decoded straight into the port's plain values.

`falkordb.asyncio` decodes every cell with an awaited coroutine per value (a node's map of ten
properties costs some thirty awaits) and then `values.plain` walks the result again; this is one
synchronous pass producing what `plain` would: maps as dicts, nodes and edges as their property
dicts, paths as the list of their nodes' property dicts.

Nodes and edges carry label, type and property-key *ids*; their names come from the graph's
schema (`CALL db.labels()` ...). Those are looked up fresh for each reply that needs them (the
ids of a graph dropped and re-created elsewhere may mean other names), exactly as the falkordb
client did; the app's statements project maps, which need no look-up at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timezone
from typing import Any

from redis.exceptions import ResponseError

NULL, STRING, INTEGER, BOOLEAN, DOUBLE, ARRAY, EDGE, NODE, PATH, MAP, POINT, VECTORF32 = range(1, 13)


def _duration(value: int) -> Any:
    from dateutil.relativedelta import relativedelta

    return relativedelta(datetime.fromtimestamp(value, tz=timezone.utc), datetime(1970, 1, 1, tzinfo=timezone.utc))


# DATETIME, DATE, TIME, DURATION: as the falkordb client gives them (the app stores epoch ms and reads none)
TEMPORAL: dict[int, Callable[[Any], Any]] = {
    13: lambda v: datetime.fromtimestamp(v, tz=timezone.utc),
    14: lambda v: datetime.fromtimestamp(v, tz=timezone.utc).date(),
    15: lambda v: datetime.fromtimestamp(v, tz=timezone.utc).time(),
    16: _duration,
}


class NeedsSchema(Exception):
    """The reply holds nodes or edges: decode again with the graph's property-key names."""


class Schema:
    """Property-key names by id (the only names a plain value keeps)."""

    def __init__(self, properties: Sequence[str] | None = None) -> None:
        self.properties = list(properties) if properties is not None else None

    def property(self, idx: int) -> str:
        if self.properties is None:
            raise NeedsSchema
        return self.properties[idx]


def check(reply: Any) -> None:
    """Raise the server's error: a whole-reply error, or a run-time error as the last element."""
    if isinstance(reply, ResponseError):
        raise reply
    if isinstance(reply, list) and reply and isinstance(reply[-1], ResponseError):
        raise reply[-1]
    if isinstance(reply, list) and reply and isinstance(reply[0], ResponseError):
        raise reply[0]


def _entity(props: list[list[Any]], schema: Schema) -> dict[str, Any]:
    return {schema.property(p[0]): cell(p[1], p[2], schema) for p in props}


def cell(kind: int, value: Any, schema: Schema) -> Any:
    if kind == STRING or kind == INTEGER:  # noqa: PLR1714 - the common cases first
        return value
    if kind == NULL:
        return None
    if kind == MAP:
        return {value[i]: cell(value[i + 1][0], value[i + 1][1], schema) for i in range(0, len(value), 2)}
    if kind == ARRAY:
        return [cell(v[0], v[1], schema) for v in value]
    if kind == DOUBLE:
        return float(value)
    if kind == BOOLEAN:
        return value == "true"
    if kind == NODE:
        return _entity(value[2], schema)
    if kind == EDGE:
        return _entity(value[4], schema)
    if kind == PATH:
        return cell(value[0][0], value[0][1], schema)  # the path's nodes, as plain() gives them
    if kind == POINT:
        return {"latitude": float(value[0]), "longitude": float(value[1])}
    if kind == VECTORF32:
        return [float(v) for v in value]
    if kind in TEMPORAL:
        return TEMPORAL[kind](value)
    return None  # an unknown type, as the falkordb client answers it


def rows(reply: list[Any], schema: Schema) -> list[dict[str, Any]]:
    """The records of a checked reply as dicts by column name (no records for a write without RETURN)."""
    if len(reply) < 3:
        return []
    columns = [h[1] if isinstance(h, list) else h for h in reply[0]]
    return [dict(zip(columns, (cell(c[0], c[1], schema) for c in record))) for record in reply[1]]


async def decode(reply: Any, properties: Callable[[], Awaitable[list[str]]]) -> list[dict[str, Any]]:
    """Rows of `reply`; `properties` fetches the graph's property-key names when an entity needs them."""
    check(reply)
    try:
        return rows(reply, Schema())
    except NeedsSchema:
        return rows(reply, Schema(await properties()))
