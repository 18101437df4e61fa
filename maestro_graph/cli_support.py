"""Checks the `maestro` command makes before it does anything, so that a user error is one line.

Each check raises `UsageProblem` with a message that says what to change; `cli.py` prints it
and exits 1. They run before a banner, a generated file or a started store, so a mistake never
leaves half a result behind.
"""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from maestro_graph.config import Settings
from maestro_graph.errors import MaestroError, ServerAlreadyRunning


class UsageProblem(MaestroError):
    code = "INVALID_INPUT"


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment plus command-line overrides; a bad value names its variable.

    pydantic's own message ("1 validation error for Settings ...") is several lines and names
    the field, not the `MAESTRO_` variable a user set.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "?"
            source = f"--{name.replace('_', '-')}" if name in given else f"MAESTRO_{name.upper()}"
            value = error.get("input")
            problems.append(f"{source}={value!r} is not allowed: {error['msg']}")
        raise UsageProblem("; ".join(problems)) from None


def check_port(host: str, port: int) -> None:
    """Refuse a port out of range or already taken, by binding it for a moment (before the banner)."""
    if not 0 < port <= 65535:
        raise UsageProblem(f"port {port} is out of range: use 1-65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror:
            raise UsageProblem(f"cannot bind {host}: not an address of this machine") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageProblem(f"port {port} on {host} is already in use; choose another with --port") from None
            if exc.errno == errno.EACCES:
                raise UsageProblem(f"port {port} needs privileges; use a port above 1023") from None
            raise UsageProblem(f"cannot bind {host}:{port}: {exc.strerror}") from None


def check_writable(path: Path) -> None:
    """The file can be created or replaced: its directory exists and accepts writes."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageProblem(f"{path} is a directory; give a file name")
    if not parent.is_dir():
        raise UsageProblem(f"no directory {parent} to write {path.name} into")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageProblem(f"cannot write {path}: permission denied")


def check_readable(path: Path) -> None:
    if not path.exists():
        raise UsageProblem(f"no file {path}")
    if path.is_dir():
        raise UsageProblem(f"{path} is a directory, not a file")
    if not os.access(path, os.R_OK):
        raise UsageProblem(f"cannot read {path}: permission denied")


def check_not_served(data_dir: Path) -> None:
    """Fail when `maestro serve` already holds the data directory (without taking it over)."""
    from maestro_graph.serve_lock import ServeLock

    if not (data_dir / "serve.lock").exists():
        return
    try:
        ServeLock(data_dir).acquire().release()
    except ServerAlreadyRunning as exc:
        raise UsageProblem(exc.message) from None
