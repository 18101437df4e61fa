"""Rate limits per caller, weighted by what each request asks for (GitHub's points idea).

A token bucket per key: it holds at most a minute's worth of points and refills continuously.
A request costs `Shape.cost` points (1 + requested nodes / 100), so a hundred point reads weigh
what one request for ten thousand nodes weighs. State lives in each worker process: with N workers
a caller's effective budget is up to N times the setting.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.types import Scope

MAX_KEYS = 10_000


def caller_key(scope: Scope) -> str:
    """Who pays for a request: the authenticated principal, else the client's IP.

    The auth middleware puts the principal on `request.state.principal`; anonymous callers (no
    principal, or the anonymous one) share their IP's bucket.
    """
    principal = getattr(Request(scope).state, "principal", None)
    principal_id = getattr(principal, "id", None)
    if principal_id and principal_id != "anonymous":
        return f"principal:{principal_id}"
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


class RateLimiter:
    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = per_minute
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def take(self, key: str, cost: float) -> float:
        """Spend `cost` points of `key`'s bucket: 0 when allowed, else seconds until it would be.

        A request that costs more than a full bucket is charged a full bucket, so it can run
        once the caller has been idle a minute (the node limit bounds it anyway).
        """
        if not self.enabled:
            return 0.0
        now = self.clock()
        tokens, at = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - at) * self.rate)
        cost = min(cost, self.capacity)
        if tokens < cost:
            self._buckets[key] = (tokens, now)
            return max((cost - tokens) / self.rate, 0.001)
        self._buckets[key] = (tokens - cost, now)
        if len(self._buckets) > MAX_KEYS:
            self._forget_full(now)
        return 0.0

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled: forgetting them changes nothing."""
        for key, (tokens, at) in list(self._buckets.items()):
            if tokens + (now - at) * self.rate >= self.capacity:
                del self._buckets[key]

    @staticmethod
    def retry_after(seconds: float) -> str:
        return str(max(1, math.ceil(seconds)))
