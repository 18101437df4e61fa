"""DataLoaders forget what they cached once a mutation has written.

Loaders cache per request, which is right for a query but wrong across mutations: in
`a: addTeamMember(...) b: addTeamMember(...)` the second result's `team` would be served from
the first one's cache (a team of 1 after two additions). GraphQL runs top-level mutation fields
one after another, so clearing the cache when each one's resolver returns (before its result's
fields load) makes every result reflect every write before it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo, OperationType
from strawberry.extensions import SchemaExtension


class FreshLoadersAfterMutations(SchemaExtension):
    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        result = _next(root, info, *args, **kwargs)
        if info.operation.operation != OperationType.MUTATION or info.path.prev is not None:
            return result
        if not inspect.isawaitable(result):
            info.context.loaders.clear()
            return result

        async def written() -> Any:
            value = await result
            info.context.loaders.clear()
            return value

        return written()
