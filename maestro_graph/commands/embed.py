"""`maestro embed [--all]`: fill missing or stale vectors (idempotent), with a progress bar, and
rebuild a vector index created with older HNSW options.

`maestro import` calls `embed_with_progress` after writing a file, so an imported graph is
searchable by meaning at once; `--no-embed` there leaves the work to this command.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from maestro_graph.config import Settings
from maestro_graph.errors import InvalidInput
from maestro_graph.store.port import GraphStore

console = Console(stderr=True, soft_wrap=True)


async def embed_with_progress(store: GraphStore, settings: Settings, *, everything: bool = False,
                              check_recall: bool = False) -> dict[str, int]:
    """Embed what needs it, one bar per label; returns how many nodes of each label were encoded.

    Then, when vectors or an index changed (or `check_recall`), report each index's recall on this
    graph's vectors (`embed/recall.py`)."""
    from maestro_graph.api.embedding import make_encoder
    from maestro_graph.embed.encoder import EncoderUnavailable
    from maestro_graph.embed.upkeep import embed_nodes

    encoder = make_encoder(settings)
    if encoder is None:
        raise InvalidInput("embedding needs sentence-transformers: pip install 'maestro-graph[ml]'")
    tasks: dict[str, int] = {}
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console)

    def advance(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = progress.add_task(f"embedding {label.lower()}s", total=total)
        progress.update(tasks[label], completed=done)

    try:
        with progress:
            report = await embed_nodes(store, encoder, everything=everything, batch_size=settings.embedding_batch_size,
                                       progress=advance)
    except EncoderUnavailable as exc:
        raise InvalidInput(str(exc)) from None
    if report.total_encoded:
        await store.checkpoint()
    rebuilt = await rebuild_stale_indexes(store)
    if report.total_encoded or rebuilt or check_recall:
        await report_recall(store, settings)
    return report.encoded


async def report_recall(store: GraphStore, settings: Settings) -> None:
    """One line per label whose index the service uses: its recall@10 against exact search."""
    from maestro_graph.embed.bulk import index_ready
    from maestro_graph.embed.recall import index_recall

    for label in ("Project", "Artifact"):
        if not await index_ready(store, label):
            continue
        with console.status(f"measuring the {label} vector index's recall"):
            found = await index_recall(store, label, exact_max_nodes=settings.embedding_exact_max_nodes)
        if found is not None:
            console.print(found.line(settings.embedding_exact_max_nodes))


async def rebuild_stale_indexes(store: GraphStore) -> list[str]:
    """Rebuild each vector index created with other HNSW options than today's (see
    `embed/bulk.py::stale_indexes`); returns the labels rebuilt. Nearest-vector reads of that label
    fail while its index is rebuilt (seconds to minutes at 100k vectors)."""
    from maestro_graph.embed.bulk import rebuild_index, stale_indexes

    stale = await stale_indexes(store)
    for label, options in stale.items():
        change = ", ".join(f"{key} {old} -> {new}" for key, (old, new) in options.items())
        with console.status(f"rebuilding the {label} vector index ({change})"):
            await rebuild_index(store, label)
        console.print(f"rebuilt the {label} vector index ({change})")
    return list(stale)


def embed(everything: bool = typer.Option(False, "--all", help="re-embed every node, not only missing or stale ones")) -> None:
    """Embed projects and artifacts whose vector is missing, from another model, or from older text."""
    from maestro_graph.cli import _run
    from maestro_graph.store.open import open_store

    settings = Settings()

    async def go() -> dict[str, int]:
        async with open_store(settings) as store:
            return await embed_with_progress(store, settings, everything=everything, check_recall=True)

    encoded = _run(go)
    console.print(f"embedded {encoded.get('Project', 0)} projects and {encoded.get('Artifact', 0)} artifacts "
                  f"with {settings.embedding_model}")
