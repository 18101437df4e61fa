"""A lean RESP client for the statements the API runs: one asyncio protocol per connection, a
bounded pool, hiredis to parse replies.

Why not redis-py for these: its asyncio path costs ~0.11 ms of CPU for a PING on this machine
(a condition variable and a health check to take a pooled connection, a task per send to apply
the socket timeout, retry and observability wrappers), against ~0.013 ms here; a GraphQL point
read makes one store call, so that was a tenth of its CPU. redis-py still runs the rare
administrative commands (schema bootstrap, constraints, AOF rewrite).

Semantics kept from the redis-py pool it replaces for statements:
- at most `size` connections, a caller waits (within its deadline) for a free one;
- a connection that failed, or whose call was cancelled or timed out mid-reply, is closed, never
  reused, so a late reply can never answer the next caller;
- a read that fails on a reused connection because the server went away meanwhile (a restart by
  the supervisor) is retried once on a new connection, as redis-py's default retry did; a write
  is not: the server may have applied it before the connection dropped, and sending it again
  could apply it twice (a CREATE, a counter), so the caller gets the error;
- errors are redis-py's classes: `ConnectionError` (unreachable), `ResponseError` (the server's
  error replies, also inside arrays), so callers map them as before.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import hiredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

Opener = Callable[[], Awaitable[tuple[asyncio.BaseTransport, "RespConnection"]]]


def pack(*args: str | int | bytes) -> bytes:
    """A RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class RespConnection(asyncio.Protocol):
    """One connection: requests are written in order, each reply answers the oldest waiter."""

    def __init__(self) -> None:
        self._reader = hiredis.Reader(encoding="utf-8", replyError=ResponseError, protocolError=RedisConnectionError)
        self._waiters: deque[asyncio.Future[Any]] = deque()
        self._transport: asyncio.Transport | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        while True:
            try:
                reply = self._reader.gets()
            except Exception as exc:  # noqa: BLE001 - not RESP, or not UTF-8: nothing more here can be trusted
                self._fail(exc if isinstance(exc, RedisConnectionError) else RedisConnectionError(f"unreadable reply: {exc}"))
                self.close()
                return
            if reply is False:
                return
            if self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(RedisConnectionError("the graph store closed the connection"))

    def _fail(self, exc: Exception) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(exc)

    async def call(self, packed: bytes) -> Any:
        """Send one packed command and wait for its reply (an error reply is returned, not raised)."""
        if self.closed or self._transport is None:
            raise RedisConnectionError("the connection to the graph store is closed")
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._transport.write(packed)
        return await waiter

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()


class WirePool:
    """At most `size` connections, opened on demand, reused last-in first-out (warm ones first)."""

    def __init__(self, opener: Opener, size: int, password: str | None = None, username: str | None = None) -> None:
        self._opener = opener
        self._password = password
        self._username = username
        self._slots = asyncio.Semaphore(size)
        self._idle: list[RespConnection] = []

    @classmethod
    def unix(cls, path: str, size: int, password: str | None = None) -> WirePool:
        async def opener() -> tuple[asyncio.BaseTransport, RespConnection]:
            return await asyncio.get_running_loop().create_unix_connection(RespConnection, path)

        return cls(opener, size, password)

    @classmethod
    def tcp(cls, host: str, port: int, size: int, *, password: str | None = None, username: str | None = None,
            tls: bool = False) -> WirePool:
        context = ssl.create_default_context() if tls else None

        async def opener() -> tuple[asyncio.BaseTransport, RespConnection]:
            return await asyncio.get_running_loop().create_connection(RespConnection, host, port, ssl=context)

        return cls(opener, size, password, username)

    async def _open(self) -> RespConnection:
        try:
            _, conn = await self._opener()
        except OSError as exc:
            raise RedisConnectionError(f"cannot reach the graph store: {exc}") from exc
        if self._password:
            auth = ("AUTH", self._username, self._password) if self._username else ("AUTH", self._password)
            reply = await conn.call(pack(*auth))
            if isinstance(reply, ResponseError):
                conn.close()
                raise RedisConnectionError(f"the graph store refused the credentials: {reply}")
        return conn

    def _take_idle(self) -> RespConnection | None:
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed:
                return conn
        return None

    async def request(self, packed: bytes, *, retry: bool = True) -> Any:
        """The reply to one packed command; callers bound the whole call with their own deadline.

        `retry=False` for anything that is not safe to run twice (every write).
        """
        async with self._slots:
            conn = self._take_idle()
            reused = conn is not None
            if conn is None:
                conn = await self._open()
            try:
                reply = await conn.call(packed)
            except RedisConnectionError:
                conn.close()
                if not (reused and retry):
                    raise
                conn = await self._open()  # the idle one was stale (the server restarted): once more, fresh
                try:
                    reply = await conn.call(packed)
                except BaseException:
                    conn.close()
                    raise
            except BaseException:  # cancelled or timed out mid-reply: the connection's state is unknown
                conn.close()
                raise
            self._idle.append(conn)
            return reply

    async def close(self) -> None:
        while self._idle:
            self._idle.pop().close()
