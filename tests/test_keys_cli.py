"""`maestro keys` and the production posture, run as a user runs them: the real command."""

from __future__ import annotations

import asyncio
from pathlib import Path

from maestro_graph.config import Settings
from maestro_graph.principal import Role
from maestro_graph.secret import server_secret
from maestro_graph.service.keys import verify_key
from maestro_graph.store.open import open_store
from tests.test_cli import run


async def verified_role(data_dir: Path, key: str) -> Role | None:
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    async with open_store(settings) as store:
        principal = await verify_key(store, server_secret(settings), key)
    return principal.role if principal else None


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    created = run(["keys", "create", "--role", "editor", "--name", "ci pipeline"], tmp_path)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("mgk_") and " " not in key
    prefix = key.split("_")[1]
    secret_file = tmp_path / "data" / "server.secret"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert asyncio.run(verified_role(tmp_path / "data", key)) == Role.EDITOR

    listed = run(["keys", "list"], tmp_path)
    assert listed.returncode == 0 and prefix in listed.stdout and "ci pipeline" in listed.stdout
    assert key.split("_", 2)[2] not in listed.stdout  # the key itself is never shown again

    revoked = run(["keys", "revoke", prefix], tmp_path)
    assert revoked.returncode == 0, revoked.stderr
    assert asyncio.run(verified_role(tmp_path / "data", key)) is None
    assert run(["keys", "revoke", "ffffffff"], tmp_path).returncode == 1


def test_keys_create_with_an_unknown_role_is_one_line(tmp_path: Path) -> None:
    result = run(["keys", "create", "--role", "owner", "--name", "x"], tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "reader, editor, admin" in result.stderr
    assert "mgk_" not in result.stdout


def _free_port() -> str:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def test_production_refuses_to_serve_without_authentication(tmp_path: Path) -> None:
    port = _free_port()  # a usable port, so the refusal is the auth check's and not the port check's
    open_door = run(["serve", "--port", port], tmp_path, MAESTRO_ENV="production")
    assert open_door.returncode == 1 and "MAESTRO_ANONYMOUS_READ=false" in open_door.stderr
    assert len(open_door.stderr.strip().splitlines()) == 1 and "Traceback" not in open_door.stderr
    no_key = run(["serve", "--port", port], tmp_path, MAESTRO_ENV="production", MAESTRO_ANONYMOUS_READ="false")
    assert no_key.returncode == 1 and "API key" in no_key.stderr.splitlines()[-1]
