"""DataLoaders forget what they cached once a mutation has written.

Loaders cache per request, which is right for a query but wrong across mutations: in
`a: addTeamMember(...) b: addTeamMember(...)` the second result's `team` would be served from
the first one's cache (a team of 1 after two additions). GraphQL runs top-level mutation fields
one after another, so clearing the cache when each one's resolver returns (before its result's
fields load) makes every result reflect every write before it (called from the request policy, `extension.py`).
"""

from __future__ import annotations

import inspect
from typing import Any

from graphql import GraphQLResolveInfo


def clear_after(result: Any, info: GraphQLResolveInfo) -> Any:
    """`result` of a top-level mutation field, with the request's loaders cleared once it is there."""
    if not inspect.isawaitable(result):
        info.context.loaders.clear()
        return result

    async def written() -> Any:
        value = await result
        info.context.loaders.clear()
        return value

    return written()
