"""Scalars, enums, paging and error types shared by every part of the schema."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Generic, NewType, TypeVar

import strawberry

from maestro_graph import model
from maestro_graph.service.pages import Page, encode_cursor

def _parse_epoch(value: object) -> int:
    """Epoch ms, or an ISO-8601 time; anything else is the client's INVALID_INPUT, not our error.

    Ranges are left to the service layer, which names the argument that is out of range.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return model.check_time(value, "EpochMillis")


EpochMillis = NewType("EpochMillis", int)
EPOCH_MILLIS = strawberry.scalar(
    name="EpochMillis",
    serialize=int,
    parse_value=_parse_epoch,
    description=("Milliseconds since 1970-01-01 UTC (what the store keeps; JSON numbers hold it exactly). "
                 "Every EpochMillis field `x` has a sibling `xIso` (ISO-8601 UTC); inputs accept either form."),
)
SCALARS = {EpochMillis: EPOCH_MILLIS}  # the schema's scalar_map


def iso(ms: int | None) -> str | None:
    """Epoch ms as ISO-8601 UTC with milliseconds, e.g. `2024-11-24T00:00:00.000Z`."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_field(attr: str) -> Any:
    """The readable sibling of an EpochMillis field: `startedAt` gets `startedAtIso`.

    One convention everywhere: every EpochMillis field `x` has a `xIso: String` beside it,
    the same instant as ISO-8601 in UTC, so a person can read it and a program can keep the number.
    """

    def resolve(root: strawberry.Parent[Any]) -> str | None:
        return iso(getattr(root, attr))

    return strawberry.field(resolver=resolve, description=f"`{attr}` as ISO-8601 UTC (e.g. 2024-11-24T09:30:00.000Z).")

ProblemClass = strawberry.enum(model.ProblemClass, description="The kind of ML problem a project solves.")
ArtifactType = strawberry.enum(model.ArtifactType, description="What sort of reusable artifact this is.")
ProjectStatus = strawberry.enum(model.ProjectStatus, description="Where a project is in its life.")


@strawberry.enum
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum
class ErrorCode(Enum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    STORE_UNAVAILABLE = "STORE_UNAVAILABLE"
    TIMEOUT = "TIMEOUT"


@strawberry.type(description="Why a mutation changed nothing.")
class MutationError:
    code: ErrorCode
    message: str
    field: str | None = None


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


E = TypeVar("E")


@strawberry.type
class Edge:
    """Base of every edge: the cursor is encoded only when a client asks for it."""

    offset: strawberry.Private[int | str]  # an offset, or a keyset cursor already encoded

    @strawberry.field
    def cursor(self) -> str:
        return self.offset if isinstance(self.offset, str) else encode_cursor(self.offset)


@strawberry.type
class Connection(Generic[E]):
    """A Relay connection; `totalCount` is counted by the store, not by fetching every row.

    Edges and page info are built on demand: a big nested answer often asks for neither
    cursors nor pageInfo, and building them for every list was measurable.
    """

    total_count: int
    page: strawberry.Private[Page]
    make_edge: strawberry.Private[Callable[[int, dict[str, Any]], Any]]

    @strawberry.field
    def page_info(self) -> PageInfo:
        page = self.page
        return PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursor(0) if page.rows else None,
            end_cursor=page.cursor(len(page.rows) - 1) if page.rows else None,
        )

    @strawberry.field
    def edges(self) -> list[E]:
        page = self.page
        return [self.make_edge(page.edge_key(i), row) for i, row in enumerate(page.rows)]

    @classmethod
    def of(cls, page: Page, make_edge: Callable[[Any, dict[str, Any]], E]) -> Any:
        # a keyset page's total is None when totalCount was not selected: then nobody reads it
        return cls(total_count=page.total if page.total is not None else -1, page=page, make_edge=make_edge)
