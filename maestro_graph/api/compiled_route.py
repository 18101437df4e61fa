"""The GraphQL route's fast paths: a query text some compiler can plan is answered by the plan.

`point_reads.py` and `compiled_reads.py` each hold a compiler and the code that answers its
plans; what they share is here: a plan (or "not compilable") cached per (operation name, query
text), the setting that turns the path off, and the cases that always go to the view behind it
(not a POST, a streamed answer asked for, a plan that declines at run time).
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from maestro_graph.api.documents import CACHE_SIZE, LruCache
from maestro_graph.api.guard import PAYLOAD_KEY

_STREAMING = ("text/event-stream", "multipart/mixed")


class CompiledRoute:
    """Answers planned requests; `view` answers everything else. Subclasses name their switch
    (`setting`, a Settings field) and give `plan` (None: not compilable) and `answer`."""

    setting: str

    def __init__(self, view: ASGIApp, schema: Any) -> None:
        self.view = view
        self.schema = schema
        self._compiled = LruCache(CACHE_SIZE)
        self._not_compiled = object()

    def plan(self, query: str, operation_name: str | None) -> Any | None:
        raise NotImplementedError

    async def answer(self, plan: Any, payload: dict[str, Any], scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer the request; False when the view must (nothing was sent)."""
        raise NotImplementedError

    def compiled(self, query: str, operation_name: str | None) -> Any | None:
        key = f"{operation_name or ''}\x00{query}"
        hit = self._compiled.get(key)
        if hit is None:
            hit = self.plan(query, operation_name)
            self._compiled.put(key, self._not_compiled if hit is None else hit)
        return None if hit is self._not_compiled else hit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        payload = scope.get(PAYLOAD_KEY) if scope["type"] == "http" and scope["method"] == "POST" else None
        if payload is not None and getattr(scope["app"].state.settings, self.setting) and not streaming(scope):
            plan = self.compiled(payload["query"], payload.get("operationName"))
            if plan is not None and await self.answer(plan, payload, scope, receive, send):
                return
        await self.view(scope, receive, send)


def streaming(scope: Scope) -> bool:
    """A client asking for a streamed (SSE, multipart) answer gets the view's."""
    for name, value in scope["headers"]:
        if name == b"accept":
            return any(kind.encode() in value for kind in _STREAMING)
    return False
