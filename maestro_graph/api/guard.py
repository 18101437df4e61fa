"""The gate in front of POST /graphql: bounded bodies, well-formed JSON, rate limits, a time budget.

Everything a client can get wrong at the HTTP level is answered here with a 4xx and a
GraphQL-shaped error (`errors[0].extensions.code`), before Strawberry parses anything:

- a body over `max_body_bytes` → 413 PAYLOAD_TOO_LARGE (by Content-Length when given, else while reading);
- invalid UTF-8, not JSON, or JSON that is not an object → 400 BAD_REQUEST;
- a caller over its rate limit → 429 RATE_LIMITED with Retry-After;
- the work runs under a time budget: past it, or as soon as the client disconnects, the task is
  cancelled (so are its pending store calls) and the client gets TIMEOUT;
- a response over `max_response_bytes` is replaced by RESPONSE_TOO_LARGE.

The response is buffered until complete, which is what lets the last two replace it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maestro_graph.api.ratelimit import RateLimiter, caller_key

PAYLOAD_KEY = "maestro.graphql_payload"  # the request's JSON object, once decoded here

log = logging.getLogger("maestro.api")
Cost = Callable[[str, str | None, dict[str, Any] | None], float]


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}).encode()


async def send_error(send: Send, refusal: Refusal) -> None:
    body = error_body(refusal.code, refusal.message)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in refusal.headers.items()]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def decode_payload(body: bytes) -> dict[str, Any]:
    """The GraphQL request object, or a Refusal that says what is wrong with the body."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "BAD_REQUEST", "the request body is not valid UTF-8") from None
    try:
        payload = json.loads(text)
    except ValueError:
        raise Refusal(400, "BAD_REQUEST", "the request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise Refusal(400, "BAD_REQUEST", "the request body must be a JSON object with a `query`")
    if not isinstance(payload.get("query"), str):
        raise Refusal(400, "BAD_REQUEST", "`query` must be a string")
    if not isinstance(payload.get("variables") or {}, dict):
        raise Refusal(400, "BAD_REQUEST", "`variables` must be a JSON object")
    if not isinstance(payload.get("operationName") or "", str):
        raise Refusal(400, "BAD_REQUEST", "`operationName` must be a string")
    return payload


class GraphQLGuard:
    def __init__(self, app: ASGIApp, *, cost: Cost, max_body_bytes: int, max_response_bytes: int,
                 timeout_s: float, rate_limiter: RateLimiter, path: str = "/graphql") -> None:
        self.app = app
        self.cost = cost
        self.max_body_bytes = max_body_bytes
        self.max_response_bytes = max_response_bytes
        self.timeout_s = timeout_s
        self.rate_limiter = rate_limiter
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        try:
            async with asyncio.timeout(self.timeout_s):  # in this task: wait_for would start one per request
                body = await self._read_body(headers, receive)
            content_type = headers.get(b"content-type", b"application/json")
            if content_type.split(b";")[0].strip().lower() == b"application/json":
                payload = decode_payload(body)
                self._charge(scope, payload)
                scope[PAYLOAD_KEY] = payload  # the GraphQL route's compiled point reads need not decode it again
        except Refusal as refusal:
            await send_error(send, refusal)
            return
        except TimeoutError:
            await send_error(send, Refusal(408, "TIMEOUT", "the request body did not arrive in time"))
            return
        await GuardedCall(self, scope, body, receive, send).run()

    async def _read_body(self, headers: dict[bytes, bytes], receive: Receive) -> bytes:
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            raise Refusal(413, "PAYLOAD_TOO_LARGE", f"the request body exceeds {self.max_body_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Refusal(400, "BAD_REQUEST", "the client went away")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise Refusal(413, "PAYLOAD_TOO_LARGE", f"the request body exceeds {self.max_body_bytes} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _charge(self, scope: Scope, payload: dict[str, Any]) -> None:
        if not self.rate_limiter.enabled:
            return
        cost = self.cost(payload["query"], payload.get("operationName"), payload.get("variables"))
        wait = self.rate_limiter.take(caller_key(scope), cost)
        if wait > 0:
            retry = self.rate_limiter.retry_after(wait)
            raise Refusal(429, "RATE_LIMITED", f"rate limit exceeded: retry after {retry} s",
                          {"Retry-After": retry})


class GuardedCall:
    """One request's run: the app in a task, raced against the budget and the client leaving."""

    def __init__(self, guard: GraphQLGuard, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
        self.guard = guard
        self.scope = scope
        self.body = body
        self.receive = receive
        self.send = send
        self.delivered = False
        self.disconnected = asyncio.Event()
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.too_large = False

    async def replay(self) -> Message:
        if not self.delivered:
            self.delivered = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self.disconnected.wait()
        return {"type": "http.disconnect"}

    async def buffer(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        chunk = message.get("body", b"")
        self.size += len(chunk)
        if self.size > self.guard.max_response_bytes:
            self.too_large = True
            self.chunks.clear()
        elif not self.too_large:
            self.chunks.append(chunk)

    async def watch(self, work: asyncio.Task[Any]) -> None:
        while (await self.receive())["type"] != "http.disconnect":
            pass
        self.disconnected.set()
        work.cancel()

    async def run(self) -> None:
        """The app runs in this task under the budget; a second task only listens for the client leaving
        (and cancels this one when it does)."""
        work = asyncio.current_task()
        assert work is not None
        watcher = asyncio.create_task(self.watch(work))
        timed_out = False
        try:
            async with asyncio.timeout(self.guard.timeout_s) as budget:
                await self.guard.app(self.scope, self.replay, self.buffer)
        except TimeoutError:
            if not budget.expired():
                raise  # the app's own TimeoutError escapes as any exception would
            timed_out = True
        except asyncio.CancelledError:
            if not self.disconnected.is_set() or work.uncancel() > 0:
                raise  # cancelled from outside (shutdown), not by the watcher
        finally:
            watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        if timed_out:
            log.warning("request exceeded its %.1f s budget and was cancelled", self.guard.timeout_s)
            await send_error(self.send, Refusal(
                200, "TIMEOUT", f"the request took longer than its {self.guard.timeout_s:g} s budget and was stopped"))
        elif self.disconnected.is_set():
            log.info("client disconnected; the request was cancelled")
        else:
            await self.flush()

    async def flush(self) -> None:
        if self.too_large:
            await send_error(self.send, Refusal(
                200, "RESPONSE_TOO_LARGE",
                f"the response exceeds {self.guard.max_response_bytes} bytes: ask for fewer fields or smaller pages"))
            return
        assert self.start is not None
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": b"".join(self.chunks)})
