"""The `maestro` command. Thin: parse, call the same functions the API uses, print with rich.

Exit codes: 0 success, 1 a user error (one line, no traceback), 2 usage errors (typer's).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from maestro_graph.config import Settings
from maestro_graph.errors import MaestroError, ServerAlreadyRunning

app = typer.Typer(help="Maestro Graph: learn from past ML projects.", no_args_is_help=True, add_completion=False)
console = Console(stderr=True, soft_wrap=True)  # soft wrap: an error stays one line in logs
T = TypeVar("T")


def _run(coro_fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine; a user error becomes one red line and exit code 1."""
    try:
        return asyncio.run(coro_fn())
    except MaestroError as exc:
        console.print(f"[red]error:[/red] {exc.message}", highlight=False)
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


async def import_with_progress(settings: Settings, path: Path) -> None:
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
    table = Table(title=f"{path.name}: {plan.lines} lines", caption=f"graph now holds {totals['nodes']} nodes, {totals['edges']} edges")
    table.add_column("statement")
    table.add_column("created", justify="right")
    table.add_column("already there", justify="right")
    for name in report.created:
        table.add_row(name.removeprefix("import_"), str(report.created[name]), str(report.updated[name]))
    Console().print(table)


@app.command("import")
def import_(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL file to import")) -> None:
    """Import a JSONL file (validated whole before anything is written; idempotent)."""
    _run(lambda: import_with_progress(Settings(), file))


@app.command("export")
def export(file: Path = typer.Argument(..., dir_okay=False, help="where to write the JSONL")) -> None:
    """Export the graph as JSONL in the interchange format."""
    if not file.parent.resolve().is_dir():
        console.print(f"[red]error:[/red] no directory {file.parent} to write {file.name} into", highlight=False)
        raise typer.Exit(1)
    from maestro_graph.ingest.export import export_file
    from maestro_graph.store.open import open_store

    async def go() -> int:
        async with open_store(Settings()) as store:
            with _progress() as bar:
                task = bar.add_task(f"exporting to {file.name}", total=None)
                return await export_file(store, file, progress=lambda n: bar.advance(task, n))

    console.print(f"wrote {_run(go)} records to {file}")


@app.command()
def serve(
    host: str = typer.Option(None, help="bind address (default from MAESTRO_HOST, 127.0.0.1)"),
    port: int = typer.Option(None, help="port (default from MAESTRO_PORT, 8000)"),
    workers: int = typer.Option(1, min=1, max=32, help="uvicorn worker processes"),
) -> None:
    """Serve the API and GraphiQL (starts the embedded store unless another backend is set)."""
    settings = Settings()
    try:
        serve_settings(settings, host or settings.host, port if port is not None else settings.port, workers)
    except MaestroError as exc:
        console.print(f"[red]error:[/red] {exc.message}", highlight=False)
        raise typer.Exit(1) from None


def serve_settings(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    from maestro_graph.serve_lock import ServeLock
    from maestro_graph.server import GracefulServer
    from maestro_graph.store.open import embedded_server, uses_embedded

    with ServeLock(settings.data_dir):
        # The serve process owns the embedded server (every worker's app attaches to it); it
        # never borrows one that a short-lived command started and will stop.
        server = embedded_server(settings) if uses_embedded(settings) else None
        if server is not None and server.running():
            raise ServerAlreadyRunning(
                f"another maestro command (pid {server.pid}) is using the store in {server.data_dir}; "
                "retry when it finishes"
            )
        if server is not None:
            server.start()
        try:
            console.print(f"Maestro on http://{host}:{port}  (GraphiQL at /graphql)")
            config = uvicorn.Config(
                "maestro_graph.api.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level=settings.log_level,
            )
            if workers > 1:
                uvicorn.run(config.app, factory=True, host=host, port=port, workers=workers, log_level=settings.log_level)
            else:
                GracefulServer(config).run()
        finally:
            if server is not None:
                server.stop()


@app.command()
def demo(
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="serve the API after loading"),
    seed: int = typer.Option(7, help="generator seed (same seed, same organisation)"),
    output: Path = typer.Option(Path("demo-org.jsonl"), help="where to write the generated JSONL"),
    train_after: bool = typer.Option(True, "--train/--no-train", help="train the meta-model after loading"),
) -> None:
    """Generate the demo organisation, import it, train the meta-model, then serve the API."""
    from maestro_graph.demo.generate import generate, write_jsonl

    settings = Settings()
    count = write_jsonl(generate(seed), output)
    console.print(f"generated {count} records (seed {seed}) into {output}")
    _run(lambda: import_with_progress(settings, output))
    if train_after:
        _learn.train_with_progress(settings, _run, _progress)
    if serve_after:
        try:
            serve_settings(settings, settings.host, settings.port, 1)
        except MaestroError as exc:
            console.print(f"[red]error:[/red] {exc.message}", highlight=False)
            raise typer.Exit(1) from None


@app.command("export-schema")
def export_schema(output: Path = typer.Option(None, help="file to write (default: print)")) -> None:
    """Print or write the GraphQL schema (SDL)."""
    from maestro_graph.api.schema import sdl

    text = sdl()
    if output:
        output.write_text(text)
    else:
        typer.echo(text, nl=False)


from maestro_graph.commands import learn as _learn  # noqa: E402 - registers train, evaluate

_learn.register(app, _run, _progress)


if __name__ == "__main__":
    app()
