"""Fill missing or stale vectors: read text fields, skip what is current, encode in batches, write.

Used by `maestro embed`, by `maestro import` after a file is written, and by the API's
background worker. Idempotent: a second run over an unchanged graph encodes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from maestro_graph.embed.encoder import Encoder
from maestro_graph.embed.texts import is_stale, node_text, text_hash
from maestro_graph.store.port import GraphStore
from maestro_graph.store.values import Vector

LABELS = ("Project", "Artifact")
STATE = {"Project": "embedding_state_projects", "Artifact": "embedding_state_artifacts"}
WRITE = {"Project": "set_project_embeddings", "Artifact": "set_artifact_embeddings"}


@dataclass
class EmbedReport:
    """How many nodes of each label were encoded, and how many were already current."""

    encoded: dict[str, int] = field(default_factory=dict)
    current: dict[str, int] = field(default_factory=dict)

    @property
    def total_encoded(self) -> int:
        return sum(self.encoded.values())


async def pending(
    store: GraphStore, label: str, model: str, *, ids: Sequence[str] | None = None, everything: bool = False
) -> tuple[list[tuple[str, str]], int]:
    """(id, text) of the nodes that need a vector, and how many are current (skipped)."""
    rows = await store.read(STATE[label], {"ids": list(ids) if ids is not None else None})
    todo = []
    for row in rows:
        text = node_text(label, row)
        if everything or is_stale(row, text, model):
            todo.append((row["id"], text))
    return todo, len(rows) - len(todo)


async def embed_nodes(
    store: GraphStore, encoder: Encoder, *, labels: Sequence[str] = LABELS, ids: Sequence[str] | None = None,
    everything: bool = False, batch_size: int = 256, progress: Callable[[str, int, int], None] | None = None,
) -> EmbedReport:
    """Embed what is missing or stale (or `everything`), `batch_size` texts per model call.

    Encoding runs in a worker thread, so an event loop that calls this keeps serving. Texts go
    to the model longest first, so each batch holds texts of about one length (less padding; the
    model sorts only within one call). Each batch is written as one UNWIND statement while the
    next one encodes: the write's parameter formatting and the store's work overlap the model.
    `progress(label, done, total)` follows the work.
    """
    report = EmbedReport()
    for label in labels:
        todo, current = await pending(store, label, encoder.name, ids=ids, everything=everything)
        todo.sort(key=lambda item: -len(item[1]))
        report.current[label] = current
        report.encoded[label] = 0
        if progress:
            progress(label, 0, len(todo))
        writing: asyncio.Task[None] | None = None
        try:
            for start in range(0, len(todo), batch_size):
                chunk = todo[start : start + batch_size]
                vectors = await asyncio.to_thread(encoder.encode, [text for _, text in chunk])
                if writing is not None:
                    await writing
                writing = asyncio.create_task(_write(store, encoder.name, label, chunk, vectors, report, progress,
                                                     len(todo)))
            if writing is not None:
                await writing
        finally:
            if writing is not None and not writing.done():
                writing.cancel()
    return report


async def _write(store: GraphStore, model: str, label: str, chunk: Sequence[tuple[str, str]],
                 vectors: Sequence[Sequence[float]], report: EmbedReport,
                 progress: Callable[[str, int, int], None] | None, total: int) -> None:
    rows = [{"id": i, "vector": Vector(v), "model": model, "hash": text_hash(t)} for (i, t), v in zip(chunk, vectors)]
    await store.write(WRITE[label], {"rows": rows})
    report.encoded[label] += len(chunk)
    if progress:
        progress(label, report.encoded[label], total)
