"""What a client selected under the current field, so that resolvers skip work nobody reads."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info


def _selects(selections: list[Any], name: str) -> bool:
    for selection in selections:
        if getattr(selection, "name", None) == name:
            return True
        # fragment spreads and inline fragments carry their own selections
        if not hasattr(selection, "arguments") and _selects(getattr(selection, "selections", []), name):
            return True
    return False


def selects(info: Info, name: str) -> bool:
    """True when the field being resolved selects `name` directly (through fragments too)."""
    return any(_selects(field.selections, name) for field in info.selected_fields)
