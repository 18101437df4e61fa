"""`maestro ingest git|ci|mlflow|dvc`: read a team's real sources into the graph.

Thin, like every command: parse the arguments, call the importer, print a table. Each importer
is idempotent, so re-running one after new commits or runs only adds what is new.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from maestro_graph.config import Settings
from maestro_graph.ingest.jsonl import ImportReport

console = Console(stderr=True, soft_wrap=True)
ingest_app = typer.Typer(help="Import process signals from git, CI runs, MLflow and DVC.", no_args_is_help=True)


def _report(title: str, report: ImportReport, notes: list[str]) -> None:
    table = Table(title=title)
    table.add_column("statement")
    table.add_column("created", justify="right")
    table.add_column("already there", justify="right")
    for name in report.created:
        table.add_row(name.removeprefix("import_"), str(report.created[name]), str(report.updated[name]))
    out = Console(soft_wrap=True)
    out.print(table)
    for note in notes:
        out.print(note, highlight=False)


@ingest_app.command("git")
def git(
    path: Path = typer.Argument(..., help="a git work tree"),
    project: str = typer.Option(..., "--project", help="the project the repository belongs to"),
    since: str = typer.Option(None, help="only commits from this date's ISO week on (YYYY-MM-DD)"),
) -> None:
    """Weekly commits, churn and contributors, authors as team members, PR merge times."""
    from maestro_graph.cli import _progress, _run
    from maestro_graph.ingest.git import build_plan, check_repository, since_week
    from maestro_graph.ingest.target import require_project, write
    from maestro_graph.store.open import open_store

    async def go() -> None:
        check_repository(path)  # before any progress bar or store: a bad path is one line
        since_week(since)
        settings = Settings()
        async with open_store(settings) as store:
            await require_project(store, project)
            with _progress() as bar:
                task = bar.add_task(f"reading {path}", total=None)
                summary = build_plan(path, project, since, progress=lambda n: bar.advance(task, n))
                written = bar.add_task("writing git signals", total=summary.plan.count())
                report = await write(store, summary.plan, batch_size=settings.batch_size,
                                     progress=lambda n: bar.advance(written, n))
        notes = [f"{summary.commits} commits ({summary.merges} merges), {summary.authors} authors, "
                 f"{summary.weeks} weeks, {summary.pull_requests} pull requests"]
        if summary.skipped_merges:
            notes.append(f"{len(summary.skipped_merges)} PR merges without a recoverable branch")
        _report(f"git {path}", report, notes)

    _run(go)


def register(app: Any) -> None:
    app.add_typer(ingest_app, name="ingest")


@ingest_app.command("ci")
def ci(
    system: str = typer.Argument(..., help="github-actions, jenkins or gitlab"),
    file: Path = typer.Argument(..., help="the JSON the CI system's API returned"),
    project: str = typer.Option(..., "--project", help="the project the runs belong to"),
) -> None:
    """Pipeline duration and success per completed run (a later attempt replaces an earlier one)."""
    from maestro_graph.cli import _progress, _run
    from maestro_graph.ingest.ci import metric_rows, read_runs, write_runs
    from maestro_graph.ingest.target import require_project
    from maestro_graph.store.open import open_store

    async def go() -> None:
        runs = read_runs(system, file)
        settings = Settings()
        async with open_store(settings) as store:
            await require_project(store, project)
            with _progress() as bar:
                task = bar.add_task(f"writing {len(runs)} runs", total=len(metric_rows(project, runs, system)))
                created = await write_runs(store, project, runs, system, batch_size=settings.batch_size,
                                           progress=lambda n: bar.advance(task, n))
        console.print(f"{len(runs)} completed runs read from {file}; {created} new metric points")

    _run(go)


@ingest_app.command("mlflow")
def mlflow(
    tracking_uri: str = typer.Option(..., "--tracking-uri", help="sqlite:///path, a file store path, or http(s)://"),
    project: str = typer.Option(..., "--project", help="the project the experiments belong to"),
    experiment: str = typer.Option(None, help="one experiment by name (default: every active one)"),
    metric: str = typer.Option(None, help="the performance metric (default: first of accuracy, f1, auc, r2)"),
) -> None:
    """Runs, best performance, training hours, registered model versions and production deployments."""
    from maestro_graph.cli import _progress, _run
    from maestro_graph.ingest.mlflow import build_plan, check_uri
    from maestro_graph.ingest.target import require_project, write
    from maestro_graph.store.open import open_store

    async def go() -> None:
        check_uri(tracking_uri)  # before any progress bar or store: a bad path is one line
        settings = Settings()
        async with open_store(settings) as store:
            await require_project(store, project)
            with _progress() as bar:
                task = bar.add_task(f"reading {tracking_uri}", total=None)
                summary = build_plan(tracking_uri, project, experiment, metric, progress=lambda n: bar.advance(task, n))
                written = bar.add_task("writing MLflow signals", total=summary.plan.count())
                report = await write(store, summary.plan, batch_size=settings.batch_size,
                                     progress=lambda n: bar.advance(written, n))
        _report(f"mlflow {tracking_uri}", report, [
            f"{summary.runs} finished runs in {len(summary.experiments)} experiments, metric {summary.metric or 'none'}, "
            f"{summary.model_versions} model versions, {summary.deployments} in production"])

    _run(go)


@ingest_app.command("dvc")
def dvc(
    path: Path = typer.Argument(..., help="a DVC project (dvc.yaml, dvc.lock, .dvc files)"),
    project: str = typer.Option(..., "--project", help="the project the pipeline belongs to"),
) -> None:
    """Stages as feature pipelines, hashed outputs as dataset versions, dependencies as lineage."""
    from maestro_graph.cli import _progress, _run
    from maestro_graph.ingest.dvc import build_plan, link_versions
    from maestro_graph.ingest.target import require_project, write
    from maestro_graph.store.open import open_store

    async def go() -> None:
        summary = build_plan(path, project)  # small files: read before the store starts
        settings = Settings()
        async with open_store(settings) as store:
            await require_project(store, project)
            await link_versions(store, summary, project)
            with _progress() as bar:
                task = bar.add_task("writing DVC pipeline", total=summary.plan.count())
                report = await write(store, summary.plan, batch_size=settings.batch_size,
                                     progress=lambda n: bar.advance(task, n))
        _report(f"dvc {path}", report, [f"{summary.stages} stages, {summary.datasets} dataset versions, "
                                        f"{summary.edges} lineage edges"
                                        + (", a Feast feature store" if summary.feature_store else "")])

    _run(go)
