"""Stopping a background task for sure, even when a library swallowed one cancellation.

`task.cancel(); await task` waits forever if the cancellation is lost on the way: a store call
that turns it into a timeout error (a cancel racing a client-side timeout), caught by a loop that
logs and carries on, leaves the task back at its `await queue.get()`, marked "cancelling" but
never cancelled. The test suite hung that way in the app's lifespan exit. So: flag, cancel, and
cancel again until the task is done; loops also check the flag.
"""

from __future__ import annotations

import asyncio
import contextlib


async def stop(task: asyncio.Task[object] | asyncio.Task[None], *, every_s: float = 1.0) -> None:
    """Cancel `task` and wait until it is done, re-cancelling every `every_s` seconds."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=every_s)
    with contextlib.suppress(asyncio.CancelledError, Exception):
        task.result()
