"""`where` filters at scale: the generic filter program against a hand-written statement.

`projects(where: ...)` runs one fixed statement that evaluates the filter's conditions per node
and combines them with a postfix program (service/filters.py). This measures, on N projects, a
page of `status = completed` through that path and through a statement written for exactly that
filter (`cypher/bench_completed_projects_page.cypher`), in the same run; plus an unfiltered page
and an OR/NOT filter through the generic path, for scale.

Usage: python bench/list_filters.py [--projects 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from harness import run  # bench/ is on sys.path

from maestro_graph.service import reads
from maestro_graph.service.filters import Cond, Where
from maestro_graph.service.pages import PageArgs
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore

STATUSES = ("planned", "active", "completed", "cancelled")


async def timed(repeat: int, call: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = await call()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1), result


async def measure(server: EmbeddedFalkorDB, args: argparse.Namespace) -> dict[str, Any]:
    store = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="bench", pool_size=2)
    try:
        await store.bootstrap()
        for start in range(0, args.projects, 1000):
            rows = [{"id": f"p:{i:07d}", "props": {"name": f"project-{i:07d}", "status": STATUSES[i % 4],
                                                    "complexityScore": i % 10 + 1}}
                    for i in range(start, min(start + 1000, args.projects))]
            await store.write("import_projects", {"rows": rows})
        print(f"[list_filters] {args.projects} projects written", file=sys.stderr)
        page = PageArgs(0, 20)
        completed = Where(conds=[Cond("status", "eq", "completed")])
        or_not = Where(any_of=[Where(conds=[Cond("status", "eq", "active")]),
                               Where(not_=Where(conds=[Cond("complexityScore", "lt", 9)]))])
        generic_ms, generic = await timed(args.repeat, lambda: reads.list_nodes(store, "Project", completed, "name", False, page))
        direct_ms, direct = await timed(args.repeat, lambda: store.read("bench_completed_projects_page", {"skip": 0, "limit": 20}))
        assert generic.total == direct[0]["total"]
        assert [r["node"]["id"] for r in generic.rows] == [n["id"] for n in direct[0]["page"]], "different answers"
        unfiltered_ms, _ = await timed(args.repeat, lambda: reads.list_nodes(store, "Project", None, "name", False, page))
        or_not_ms, or_not_page = await timed(args.repeat, lambda: reads.list_nodes(store, "Project", or_not, "name", False, page))
    finally:
        await store.close()
    return {
        "benchmark": "list_filters",
        "inputs": {"projects": args.projects, "repeat": args.repeat, "page": 20},
        "generic_status_eq_ms": generic_ms,
        "handwritten_status_eq_ms": direct_ms,
        "ratio_generic_over_handwritten": round(generic_ms / direct_ms, 2),
        "matched": generic.total,
        "unfiltered_page_ms": unfiltered_ms,
        "or_not_page_ms": or_not_ms,
        "or_not_matched": or_not_page.total,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.projects < 1 or args.repeat < 1:
        parser.error("--projects and --repeat must be at least 1")
    run(lambda server: measure(server, args))


if __name__ == "__main__":
    main()
