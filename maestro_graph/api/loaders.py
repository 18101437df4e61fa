"""Per-request DataLoaders: every relationship of every parent in one store call per level.

A query listing 100 projects with their teams asks `project_team` once for the 100 ids,
not 100 times. Loaders are keyed by statement and arguments, since each distinct
(first, after, filter) needs its own batch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from maestro_graph.config import Settings
from maestro_graph.service import reads
from maestro_graph.service.pages import Page, PageArgs, check_first
from maestro_graph.store.port import GraphStore


class Loaders:
    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}
        # pages the look-ahead fetched (api/prefetch.py): (field node, page args) -> parent id -> page
        self._ready: dict[Hashable, dict[str, Page]] = {}

    def _get(self, key: Hashable, load: Callable[[Sequence[Any]], Awaitable[Sequence[Any]]]) -> DataLoader[Any, Any]:
        if key not in self._loaders:
            self._loaders[key] = DataLoader(load_fn=lambda ids: load(list(ids)))  # type: ignore[arg-type,return-value]
        return self._loaders[key]

    def clear(self) -> None:
        """Forget every cached load (after a mutation: see api/fresh_loaders.py)."""
        self._loaders.clear()
        self._ready.clear()

    def ready(self, key: Hashable, parent_id: str) -> Page | None:
        """A prefetched relationship page, read synchronously by the field's resolver."""
        pages = self._ready.get(key)
        return pages.get(parent_id) if pages is not None else None

    def has_ready(self, key: Hashable, parent_id: str) -> bool:
        pages = self._ready.get(key)
        return pages is not None and parent_id in pages

    def set_ready(self, key: Hashable, pages: dict[str, Page]) -> None:
        self._ready.setdefault(key, {}).update(pages)

    def page_args(self, first: int | None, after: str | None) -> PageArgs:
        return PageArgs.parse(first, after, default=self.settings.default_page_size, maximum=self.settings.max_page_size)

    def first(self, first: int | None) -> int:
        """A top-level list's page length, validated against the configured bounds."""
        return check_first(first, default=self.settings.default_page_size, maximum=self.settings.max_page_size)

    def node(self, label: str) -> DataLoader[str, dict[str, Any] | None]:
        return self._get(("node", label), lambda ids: reads.nodes_by_id(self.store, label, ids))

    def page(self, statement: str, args: PageArgs, **params: Any) -> DataLoader[str, Page]:
        key = ("page", statement, args, tuple(sorted(params.items())))
        return self._get(key, lambda ids: reads.related(self.store, statement, ids, args, **params))

    def impact(self) -> DataLoader[str, dict[str, Any]]:
        return self._get("impact", lambda ids: reads.artifact_impact(self.store, ids))

    def team_size(self) -> DataLoader[str, int]:
        return self._get("team_size", lambda ids: reads.team_sizes(self.store, ids))

    def versions(self) -> DataLoader[str, list[dict[str, Any]]]:
        return self._get("versions", lambda ids: reads.artifact_versions(self.store, ids))

    def lineage(self, direction: str, depth: int) -> DataLoader[str, list[dict[str, Any]]]:
        return self._get(("lineage", direction, depth), lambda ids: reads.artifact_lineage(self.store, ids, direction, depth))
