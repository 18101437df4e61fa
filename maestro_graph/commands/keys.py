"""`maestro keys create|list|revoke`: API keys, managed by whoever runs commands on the server.

Running a command on the server's data directory is the admin credential here: the key store is
the graph itself, reached through the same store the API uses.
"""

from __future__ import annotations

from datetime import datetime, timezone

import typer
from rich.console import Console
from rich.table import Table

from maestro_graph.config import Settings
from maestro_graph.secret import server_secret
from maestro_graph.service import keys as service
from maestro_graph.service.writes import SYSTEM
from maestro_graph.store.open import open_store

app = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)


def _when(ms: int | None) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ") if ms else ""


@app.command("create")
def create(
    role: str = typer.Option(..., help="reader, editor or admin"),
    name: str = typer.Option(..., help="what the key is for (shown by `maestro keys list`)"),
) -> None:
    """Create a key; it is printed once, alone on the last line of stdout, and never stored."""
    from maestro_graph.cli import _run, console

    async def go() -> service.NewKey:
        settings = Settings()
        parsed = service.parse_role(role)
        async with open_store(settings) as store:
            return await service.create_key(store, server_secret(settings), parsed, name, SYSTEM)

    new = _run(go)
    console.print(f"created {new.role.value} key {new.prefix} ({new.name}); store it now, it is not shown again:")
    typer.echo(new.key)


@app.command("list")
def list_() -> None:
    """Every key: prefix, name, role, when it was created and revoked (never the key)."""
    from maestro_graph.cli import _run

    async def go() -> list[dict]:
        async with open_store(Settings()) as store:
            return await service.list_keys(store)

    rows = _run(go)
    table = Table(title=f"{len(rows)} API keys")
    for column in ("prefix", "name", "role", "created", "revoked"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["prefix"], row["name"], row["role"], _when(row["createdAt"]), _when(row["revokedAt"]))
    Console(soft_wrap=True).print(table)


@app.command("revoke")
def revoke(prefix: str = typer.Argument(..., help="the key's prefix (from `maestro keys list`) or the key")) -> None:
    """Revoke a key; running servers refuse it within MAESTRO_API_KEY_CACHE_S seconds."""
    from maestro_graph.cli import _run, console

    async def go() -> tuple[str, int]:
        async with open_store(Settings()) as store:
            return await service.revoke_key(store, prefix, SYSTEM)

    revoked, at = _run(go)
    console.print(f"revoked key {revoked} at {_when(at)}")
