"""The `maestro` command. Thin: parse, call the same functions the API uses, print with rich.

Exit codes: 0 success, 1 a user error (one line, no traceback), 2 usage errors (typer's).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from maestro_graph import __version__
from maestro_graph.cli_support import (
    check_not_served, check_port, check_readable, check_writable, load_settings,
)
from maestro_graph.config import Settings
from maestro_graph.demo.generate import DEMO_PROJECTS
from maestro_graph.errors import MaestroError, ServerAlreadyRunning

app = typer.Typer(help="Maestro Graph: learn from past ML projects.", no_args_is_help=True, add_completion=False)
console = Console(stderr=True, soft_wrap=True)  # soft wrap: an error stays one line in logs
T = TypeVar("T")
DATA_DIR = typer.Option(None, "--data-dir", help="embedded store directory (default from MAESTRO_DATA_DIR, ./.maestro)")


def _version(show: bool) -> None:
    if show:
        typer.echo(f"maestro {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="print the version and exit"),
) -> None:
    """Maestro Graph: learn from past ML projects."""


def _fail(exc: MaestroError) -> typer.Exit:
    """Print a user error (one line; an import's list of problems one per line) and give exit code 1."""
    first, *rest = exc.message.splitlines() or [""]
    console.print(f"[red]error:[/red] {first}", highlight=False)
    for line in rest:
        console.print(f"  {line}", highlight=False)
    return typer.Exit(1)


def _run(coro_fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine; a user error becomes one red line and exit code 1."""
    try:
        return asyncio.run(coro_fn())
    except MaestroError as exc:
        raise _fail(exc) from None
    except KeyboardInterrupt:
        console.print("[red]error:[/red] interrupted", highlight=False)
        raise typer.Exit(1) from None
    except OSError as exc:
        console.print(f"[red]error:[/red] {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), highlight=False)
        raise typer.Exit(1) from None
    except Exception as exc:  # noqa: BLE001 - a command answers in one line, never a traceback
        console.print(f"[red]error:[/red] unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                      highlight=False)
        raise typer.Exit(1) from None


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    )


async def import_with_progress(settings: Settings, path: Path, *, embed: bool = True) -> None:
    from maestro_graph.ingest.jsonl import check_references, parse_lines, write_plan
    from maestro_graph.store.open import open_store

    with path.open("rb") as fh:  # bytes: a line that is not UTF-8 is reported by number
        plan = parse_lines(fh)
    async with open_store(settings) as store:
        await check_references(store, plan)
        with _progress() as bar:
            task = bar.add_task(f"importing {path.name}", total=plan.count())
            report = await write_plan(store, plan, batch_size=settings.batch_size, progress=lambda n: bar.advance(task, n))
        totals = (await store.read("graph_counts"))[0]
        if embed:
            from maestro_graph.commands.embed import embed_with_progress

            await embed_with_progress(store, settings)
    # The same unit as the progress bar: records written (a line may add a derived CREATED edge).
    table = Table(title=f"{path.name}: {plan.count()} records from {plan.lines} lines",
                  caption=f"graph now holds {totals['nodes']} nodes, {totals['edges']} edges")
    table.add_column("records")
    table.add_column("created", justify="right")
    table.add_column("already there", justify="right")
    for name in report.created:
        table.add_row(name.removeprefix("import_"), str(report.created[name]), str(report.updated[name]))
    Console().print(table)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="JSONL file to import"),
    embed: bool = typer.Option(True, "--embed/--no-embed", help="embed new or changed texts after importing"),
    data_dir: Path = DATA_DIR,
) -> None:
    """Import a JSONL file (validated whole before anything is written; idempotent, so a re-run finishes it)."""
    try:
        check_readable(file)
        settings = load_settings(data_dir=data_dir)
    except MaestroError as exc:
        raise _fail(exc) from None
    _run(lambda: import_with_progress(settings, file, embed=embed))


@app.command("export")
def export(file: Path = typer.Argument(..., help="where to write the JSONL"), data_dir: Path = DATA_DIR) -> None:
    """Export the graph as JSONL in the interchange format."""
    try:
        check_writable(file)
        settings = load_settings(data_dir=data_dir)
    except MaestroError as exc:
        raise _fail(exc) from None
    from maestro_graph.ingest.export import export_file
    from maestro_graph.store.open import open_store

    async def go() -> int:
        async with open_store(settings) as store:
            with _progress() as bar:
                task = bar.add_task(f"exporting to {file.name}", total=None)
                return await export_file(store, file, progress=lambda n: bar.advance(task, n))

    console.print(f"wrote {_run(go)} records to {file}")


@app.command()
def serve(
    host: str = typer.Option(None, help="bind address (default from MAESTRO_HOST, 127.0.0.1)"),
    port: int = typer.Option(None, help="port (default from MAESTRO_PORT, 8000)"),
    workers: int = typer.Option(1, min=1, max=32, help="uvicorn worker processes"),
    data_dir: Path = DATA_DIR,
) -> None:
    """Serve the API and GraphiQL (starts the embedded store unless another backend is set)."""
    try:
        settings = load_settings(data_dir=data_dir)
        serve_settings(settings, host or settings.host, port if port is not None else settings.port, workers)
    except MaestroError as exc:
        raise _fail(exc) from None


async def _check_production(settings: Settings) -> None:
    from maestro_graph.posture import check_production_auth
    from maestro_graph.store.open import open_store

    async with open_store(settings) as store:  # bootstrapped: a new graph has no keys, not no graph
        await check_production_auth(settings, store)


def serve_settings(settings: Settings, host: str, port: int, workers: int) -> None:
    from maestro_graph.serve_lock import ServeLock
    from maestro_graph.serving import run_server
    from maestro_graph.store.open import embedded_server, uses_embedded

    check_port(host, port)  # before the banner, the lock and the store: a bad port changes nothing
    with ServeLock(settings.data_dir):
        # The serve process owns the embedded server (every worker's app attaches to it); it
        # never borrows one that a short-lived command started and will stop.
        server = embedded_server(settings, supervise=True) if uses_embedded(settings) else None
        if server is not None and server.running():
            raise ServerAlreadyRunning(
                f"another maestro command (pid {server.pid}) is using the store in {server.data_dir}; "
                "retry when it finishes"
            )
        if server is not None:
            server.start()
        try:
            if settings.env == "production":
                asyncio.run(_check_production(settings))
            check_port(host, port)  # again: the store took a moment to start
            console.print(f"Maestro on http://{host}:{port}  (GraphiQL at /graphql)")
            run_server(settings, server, host, port, workers)
        finally:
            if server is not None:
                server.stop()


async def create_demo_key(settings: Settings) -> str:
    from maestro_graph.principal import Role
    from maestro_graph.secret import server_secret
    from maestro_graph.service.keys import create_key
    from maestro_graph.store.open import open_store

    async with open_store(settings) as store:
        return (await create_key(store, server_secret(settings), Role.EDITOR, "demo (GraphiQL)", "system")).key


@app.command()
def demo(
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="serve the API after loading"),
    seed: int = typer.Option(7, help="generator seed (same seed, same organisation)"),
    projects: int = typer.Option(DEMO_PROJECTS, min=1, help="projects in the organisation; another size than the default scales people and artifacts with it"),
    output: Path = typer.Option(Path("demo-org.jsonl"), help="where to write the generated JSONL"),
    train_after: bool = typer.Option(True, "--train/--no-train", help="train the meta-model after loading"),
    data_dir: Path = DATA_DIR,
) -> None:
    """Generate the demo organisation, import it, train the meta-model, create an editor key (printed), then serve."""
    from maestro_graph.demo.generate import generate_demo, write_jsonl

    try:  # every check before generating anything
        settings = load_settings(data_dir=data_dir)
        check_writable(output)
        if serve_after:
            check_not_served(settings.data_dir)
            check_port(settings.host, settings.port)
    except MaestroError as exc:
        if serve_after and "already running" in exc.message:
            exc.message += "; `maestro demo --no-serve` loads the demo into the running server instead"
        raise _fail(exc) from None
    count = write_jsonl(generate_demo(seed, projects), output)
    console.print(f"generated {count} records (seed {seed}) into {output}")
    _run(lambda: import_with_progress(settings, output))
    if train_after:
        _learn.train_with_progress(settings, _run, _progress)
    key = _run(lambda: create_demo_key(settings))
    console.print("editor API key for this demo (GraphiQL's Headers tab is pre-filled with it):")
    typer.echo(key)
    if serve_after:
        os.environ["MAESTRO_GRAPHIQL_API_KEY"] = key  # the server's settings (every worker) read it from here
        settings = load_settings(data_dir=data_dir)
        try:
            serve_settings(settings, settings.host, settings.port, 1)
        except MaestroError as exc:
            raise _fail(exc) from None


from maestro_graph.commands.embed import embed as _embed_command  # noqa: E402 - registered beside the others

app.command("embed")(_embed_command)


@app.command("export-schema")
def export_schema(output: Path = typer.Option(None, help="file to write (default: print)")) -> None:
    """Print or write the GraphQL schema (SDL)."""
    from maestro_graph.api.schema import sdl

    if output:
        try:
            check_writable(output)
        except MaestroError as exc:
            raise _fail(exc) from None
    text = sdl()
    if output:
        output.write_text(text)
    else:
        typer.echo(text, nl=False)


from maestro_graph.commands import ingest as _ingest  # noqa: E402 - registers `maestro ingest`

_ingest.register(app)
from maestro_graph.commands import keys as keys_commands  # noqa: E402 - needs `app` and `_run` above
app.add_typer(keys_commands.app, name="keys")
from maestro_graph.commands import learn as _learn  # noqa: E402 - registers train, evaluate

_learn.register(app, _run, _progress)


if __name__ == "__main__":
    app()
