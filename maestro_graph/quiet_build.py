"""Building a large, long-lived structure inside a serving process without stalling its requests.

Why: a similarity snapshot of 100k projects is rebuilt in the background after a write, while
the same process answers requests. Measured in-process on the kept 100k graph (one write, then
reads for as long as the rebuild ran): point reads p95 2.4 → 76 ms and p99 3.7 → 830 ms,
`similarProjects` p99 → 760-840 ms, for 56-59 s. Four causes, one remedy each:

- **Full collections.** CPython runs one whenever the long-lived heap grew by a quarter, and
  each walks every tracked object: reading the snapshot (some two million of them on the way)
  set off 43, 7.8 s of the read's 13.5 s of CPU, each a stop of the event loop of up to 0.33 s.
  `quietly()` collects the young generation every 100,000 allocations instead of 700 for the
  duration: 9 collections, 0.26 s.
- **Sharing the GIL with the builder thread.** A request hands the GIL over at every await and
  at every numpy call that releases it, and the builder then keeps it for the interpreter's
  switch interval (5 ms): a `similarProjects` call waited 0.3-0.5 s that way while the TF-IDF
  was fitted. `quietly()` lowers the interval to 0.5 ms for the duration.
- **Freeing at once.** Dropping 100k decoded rows held the loop 170 ms, the replaced snapshot
  230 ms. `release()` frees a list a thousand items at a time, in a thread, so the loop gets the
  GIL between pieces.
- **Walking it again.** The first full collection after the build would walk the new snapshot
  once more: `settle()` freezes it out of the collector's sight, as the start-up heap is
  (api/app.py). A frozen object is still freed by reference counting, so what is settled must
  hold no reference cycle (tests/api/test_similarity.py checks a snapshot).

Both settings of `quietly()` are process-wide: overlapping builds share them and the last to
finish restores what was there before.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

YOUNG_ALLOCATIONS = 100_000  # between young collections while building (CPython's default: 700)
SWITCH_INTERVAL_S = 0.0005  # while building (CPython's default: 0.005)
PIECE = 1_000  # items freed at a time by `release`

_lock = threading.Lock()
_depth = 0
_saved: tuple[tuple[int, ...], float] = ((), 0.0)


@contextmanager
def quietly() -> Iterator[None]:
    """Fewer collections and quicker GIL hand-overs inside the block (see the module docstring)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = (gc.get_threshold(), sys.getswitchinterval())
            gc.set_threshold(max(YOUNG_ALLOCATIONS, _saved[0][0]), *_saved[0][1:])
            sys.setswitchinterval(min(SWITCH_INTERVAL_S, _saved[1]))
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved[0])
                sys.setswitchinterval(_saved[1])


def release(items: list[Any]) -> None:
    """Empty `items` a piece at a time. Run it in a thread: each piece is freed in one C call
    that holds the GIL, and the event loop can take it between pieces."""
    while items:
        del items[-PIECE:]


def settle() -> None:
    """Move every object alive now out of the collector's sight (see the module docstring)."""
    gc.freeze()
