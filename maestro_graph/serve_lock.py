"""At most one `maestro serve` per data directory.

An exclusive `flock` on `<data_dir>/serve.lock` is held for the life of the server. The kernel
drops it when the process dies, however it dies, so a crash never leaves a lock that blocks
the next start.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from maestro_graph.errors import ServerAlreadyRunning


class ServeLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "serve.lock"
        self._fd: int | None = None

    def acquire(self) -> ServeLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise ServerAlreadyRunning(
                f"maestro serve is already running on {self.path.parent.resolve()} (pid {holder}); "
                "stop it or set MAESTRO_DATA_DIR to another directory"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ServeLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
