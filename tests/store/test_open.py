"""Opening the configured store: an external FalkorDB by URL (here: an embedded one on TCP)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from maestro_graph.config import Settings
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.open import open_store, uses_embedded


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_an_external_falkordb_url_is_used_instead_of_the_embedded_server(tmp_path: Path) -> None:
    port = free_port()
    external = EmbeddedFalkorDB(tmp_path / "external", tcp_port=port).start()
    try:
        assert external.password  # listening on TCP means a password, kept in a private file
        assert oct((tmp_path / "external" / "falkordb.secret").stat().st_mode & 0o777) == "0o600"
        settings = Settings(_env_file=None, falkordb_url=f"redis://:{external.password}@127.0.0.1:{port}",  # type: ignore[call-arg]
                            data_dir=tmp_path / "unused", graph="ext")
        assert not uses_embedded(settings)
        async with open_store(settings) as store:
            await store.write("create_project", {"props": {"id": "p:1", "name": "over tcp"}})
            assert (await store.read("graph_counts"))[0]["nodes"] == 1
        assert not (tmp_path / "unused").exists()  # no embedded server was started
        async with open_store(settings) as store:  # the data lives in the external server
            assert (await store.read("projects_by_id", {"ids": ["p:1"]}))[0]["node"]["name"] == "over tcp"
    finally:
        external.stop()


def test_the_tcp_port_refuses_clients_without_the_password(tmp_path: Path) -> None:
    from redis import Redis
    from redis.exceptions import AuthenticationError, ResponseError

    port = free_port()
    server = EmbeddedFalkorDB(tmp_path, tcp_port=port).start()
    try:
        with Redis(host="127.0.0.1", port=port, socket_timeout=5) as anonymous:
            with pytest.raises((AuthenticationError, ResponseError), match="(?i)auth"):
                anonymous.execute_command("GRAPH.LIST")
        with Redis(host="127.0.0.1", port=port, password=server.password, socket_timeout=5) as owner:
            assert owner.ping() is True
        # the password never appears on the command line, where any user could read it
        cmdline = Path(f"/proc/{server.pid}/cmdline").read_bytes().decode(errors="replace")
        assert server.password not in cmdline
    finally:
        server.stop()


async def test_commands_attach_to_a_password_protected_embedded_server(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(_env_file=None, data_dir=tmp_path, falkordb_port=port, graph="g")  # type: ignore[call-arg]
    from maestro_graph.store.open import embedded_server

    owner = embedded_server(settings).start()
    try:
        plain = Settings(_env_file=None, data_dir=tmp_path, graph="g")  # type: ignore[call-arg]  # no port setting
        async with open_store(plain) as store:
            assert await store.health() is True
            await store.write("create_project", {"props": {"id": "p:1", "name": "x"}})
        assert owner.running()
    finally:
        owner.stop()
