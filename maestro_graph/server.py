"""uvicorn's server, with SIGTERM/SIGINT turned into a graceful shutdown that returns.

uvicorn re-raises the captured signal after shutting down, which kills the process before
`maestro serve` can stop its embedded store and makes a clean stop exit with 143. Here the
signal only asks the server to exit; `run()` returns and the caller's cleanup runs.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

import uvicorn


class GracefulServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
