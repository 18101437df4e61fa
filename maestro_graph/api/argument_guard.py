"""One check for every string argument of every field: no NUL, no lone surrogate.

Such characters cannot be stored (NUL cuts a FalkorDB query short; a lone surrogate is not
UTF-8, so neither store nor JSON response can carry it). Checking here, on the coerced
arguments of each field before its resolver runs, covers ids, filter values, tags, cursors and
every argument added later, instead of relying on each resolver to remember.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo, OperationType
from strawberry.extensions import SchemaExtension

from maestro_graph.api.types.common import ErrorCode, MutationError
from maestro_graph.errors import InvalidInput


def unstorable(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


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


class ArgumentGuard(SchemaExtension):
    """Refuses a field whose arguments hold a NUL or a lone surrogate, with INVALID_INPUT naming the argument.

    A mutation answers with its typed error (as for any other bad input); a query field with a
    GraphQL error carrying the same code and field.
    """

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        for name, value in kwargs.items():
            where = find_unstorable(value, name)
            if where:
                message = f"{where} contains a NUL or an unpaired surrogate character"
                if info.operation.operation == OperationType.MUTATION and info.path.prev is None:
                    return MutationError(code=ErrorCode.INVALID_INPUT, message=message, field=where)
                raise InvalidInput(message, where)
        return _next(root, info, *args, **kwargs)
