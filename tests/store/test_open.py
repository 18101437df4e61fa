"""Opening the configured store: an external FalkorDB by URL (here: an embedded one on TCP)."""

from __future__ import annotations

import socket
from pathlib import Path

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
        settings = Settings(_env_file=None, falkordb_url=f"redis://127.0.0.1:{port}",  # type: ignore[call-arg]
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
