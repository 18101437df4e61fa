"""One check for every string argument of every field: no NUL, no lone surrogate.

Such characters cannot be stored (NUL cuts a FalkorDB query short; a lone surrogate is not
UTF-8, so neither store nor JSON response can carry it). Checking here, on the coerced
arguments of each field before its resolver runs, covers ids, filter values, tags, cursors and
every argument added later, instead of relying on each resolver to remember. The check runs from
the request policy (`extension.py`).
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLResolveInfo

from maestro_graph.api.types.common import ErrorCode, MutationError
from maestro_graph.errors import InvalidInput


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


def find_unstorable(value: Any, path: str) -> str | None:
    """The argument path (`where.name.eq`, `tags[2]`) of the first unstorable string, if any."""
    if isinstance(value, str):
        return path if unstorable(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and unstorable(key):
                return path
            found = find_unstorable(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = find_unstorable(item, f"{path}[{i}]")
            if found:
                return found
    return None


def refuse_unstorable(kwargs: dict[str, Any], info: GraphQLResolveInfo, top_level_mutation: bool) -> MutationError | None:
    """Refuse a field whose arguments hold a NUL or a lone surrogate, with INVALID_INPUT naming the argument.

    A top-level mutation answers with its typed error (as for any other bad input, returned here);
    any other field raises a GraphQL error carrying the same code and field. None: all storable.
    """
    for name, value in kwargs.items():
        where = find_unstorable(value, name)
        if where:
            message = f"{where} contains a NUL or an unpaired surrogate character"
            if top_level_mutation:
                return MutationError(code=ErrorCode.INVALID_INPUT, message=message, field=where)
            raise InvalidInput(message, where)
    return None
