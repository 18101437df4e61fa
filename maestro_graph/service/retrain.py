"""Retraining inside the server when the served model gets old (`MAESTRO_RETRAIN_DAYS`, off by default).

Why here and not in a cron job: the server already holds the store, and the registry swaps in a
newer model directory by itself, so a periodic check in the app's lifespan is all it takes.
Rules:
- only a stale model is replaced: with no model at all nothing trains (a first `maestro train`
  stays an explicit decision, and a server without a model never loads the ML stack);
- never blocking requests: the graph is read on the event loop, the fitting and the plots run in
  a worker thread (`gnn.pipeline.train_and_save`);
- one training at a time across workers and processes sharing the data dir: an exclusive,
  non-blocking `flock` on `<data dir>/models/.retrain.lock` (the kernel drops it if the process
  dies, so no stale lock outlives a crash); whoever does not get it skips this round, and the
  age is checked again under the lock, so a worker never retrains what another just replaced.
A failed retraining is logged and the served model stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

from maestro_graph.background import stop
from maestro_graph.config import Settings
from maestro_graph.store.port import GraphStore

log = logging.getLogger(__name__)
LOCK_FILE = ".retrain.lock"


def model_age_days(data_dir: Path, now: datetime | None = None) -> float | None:
    """Age of the newest model directory in days (from its `trainedAt`), None without one."""
    from gnn.registry import INFO_FILE, models_root, newest

    path = newest(models_root(data_dir))
    if path is None:
        return None
    trained = datetime.fromisoformat(json.loads((path / INFO_FILE).read_text())["trainedAt"])
    return ((now or datetime.now(UTC)) - trained).total_seconds() / 86400


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on `path` if nobody else does; yields whether it is ours."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


async def retrain_if_stale(store: GraphStore, data_dir: Path, days: float) -> Path | None:
    """Train and save a new model when the newest is older than `days`; the new directory or None."""
    from gnn.registry import models_root

    age = model_age_days(data_dir)
    if age is None or age < days:
        return None
    with exclusive(models_root(data_dir) / LOCK_FILE) as mine:
        age = model_age_days(data_dir)
        if not mine or age is None or age < days:
            return None
        from gnn.pipeline import train_and_save

        log.info("retraining: the newest model is %.2f days old (MAESTRO_RETRAIN_DAYS=%g)", age, days)
        return await train_and_save(store, data_dir)


def check_interval_s(days: float) -> float:
    """How often to look: a tenth of the allowed age, between 1 s and an hour."""
    return min(3600.0, max(1.0, days * 86400 / 10))


async def _loop(store: GraphStore, data_dir: Path, days: float) -> None:
    while True:
        try:
            await retrain_if_stale(store, data_dir, days)
        except asyncio.CancelledError:
            raise
        except Exception:  # keep serving the old model; the next round tries again
            log.exception("background retraining failed; the served model stays")
        await asyncio.sleep(check_interval_s(days))


@contextlib.asynccontextmanager
async def retrainer(store: GraphStore, settings: Settings) -> AsyncIterator[None]:
    """The background retraining task for the app's lifetime (nothing when the setting is unset)."""
    if settings.retrain_days is None:
        yield
        return
    task = asyncio.create_task(_loop(store, Path(settings.data_dir), settings.retrain_days))
    try:
        yield
    finally:
        await stop(task)
