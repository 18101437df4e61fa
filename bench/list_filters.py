"""`where` filters at scale: compiled filters against an unfiltered page and a hand-written statement.

`projects(where: ...)` compiles the filter into a parameterised WHERE (service/compile.py) and
pages by keyset. On N projects (several sizes in one run, one graph each) this times, as a
client that does not select totalCount would see it:
- an unfiltered first page (the baseline) and an OR/NOT page (`status = active OR NOT
  complexityScore < 9`), and their ratio;
- a 50-condition filter (an OR of equalities, ranges and `contains`), the most a filter may hold,
  and its two parts alone (the 35 equalities and ranges; the 15 `contains`), to show which costs;
- the same filter and its 15 `contains` with the `contains` on `description` (same text as the
  name, but no trigram index): the full scan every `contains` cost before the name got one;
- `status = completed` through the compiled path and through
  `cypher/bench_completed_projects_page.cypher`, written for exactly that filter;
- the same OR/NOT page with totalCount (a second, count statement);
- a deep page: the page after the cursor of the 10,000th item.
Answers of the two `status = completed` paths are asserted equal.

Usage: python bench/list_filters.py [--projects 20000 100000] [--repeat 5]
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
from maestro_graph.service.pages import encode_keyset, query_digest
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore
from maestro_graph.substrings import search_props

STATUSES = ("planned", "active", "completed", "cancelled")
PAGE = 20


async def timed(repeat: int, call: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = await call()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1), result


def fifty_conditions(*, equalities: bool = True, ranges: bool = True, contains: bool = True,
                     text_field: str = "name") -> Where:
    """An OR of 50 conditions: 20 name equalities, 15 complexity ranges, 15 `contains` on
    `text_field`; the flags leave a kind out, to see which part of the filter costs the time."""
    conds = (([Where(conds=[Cond("name", "eq", f"project-{i * 997:07d}")]) for i in range(20)] if equalities else [])
             + ([Where(conds=[Cond("complexityScore", "gt", 10 + i)]) for i in range(15)] if ranges else [])
             + ([Where(conds=[Cond(text_field, "contains", f"-{i:02d}9999")]) for i in range(15)] if contains else []))
    return Where(any_of=conds)


async def measure_size(store: FalkorDBStore, n: int, repeat: int) -> dict[str, Any]:
    await store.bootstrap()
    for start in range(0, n, 1000):
        # the properties the importer writes, search text included (maestro_graph/substrings.py)
        rows = [{"id": f"p:{i:07d}", "props": {"name": f"project-{i:07d}", "description": f"project-{i:07d}",
                                                "status": STATUSES[i % 4], "complexityScore": i % 10 + 1,
                                                **search_props("Project", {"name": f"project-{i:07d}"})}}
                for i in range(start, min(start + 1000, n))]
        await store.write("import_projects", {"rows": rows})
    print(f"[list_filters] {n} projects written", file=sys.stderr)

    def page(where: Where | None, *, count: bool = False, after: str | None = None) -> Any:
        return lambda: reads.list_nodes(store, "Project", where, "name", False, PAGE, after, count=count)

    completed = Where(conds=[Cond("status", "eq", "completed")])
    or_not = Where(any_of=[Where(conds=[Cond("status", "eq", "active")]),
                           Where(not_=Where(conds=[Cond("complexityScore", "lt", 9)]))])
    unfiltered_ms, _ = await timed(repeat, page(None))
    or_not_ms, _ = await timed(repeat, page(or_not))
    or_not_counted_ms, counted = await timed(repeat, page(or_not, count=True))
    fifty_ms, fifty = await timed(repeat, page(fifty_conditions(), count=True))
    fifty_page_ms, _ = await timed(repeat, page(fifty_conditions()))
    without_contains_ms, _ = await timed(repeat, page(fifty_conditions(contains=False)))
    contains_only_ms, _ = await timed(repeat, page(fifty_conditions(equalities=False, ranges=False)))
    fifty_scan_ms, fifty_scan = await timed(repeat, page(fifty_conditions(text_field="description"), count=True))
    contains_scan_ms, _ = await timed(repeat, page(fifty_conditions(equalities=False, ranges=False, text_field="description")))
    assert fifty_scan.total == fifty.total, "the trigram-narrowed filter and the scan disagree"
    compiled_ms, compiled = await timed(repeat, page(completed, count=True))
    direct_ms, direct = await timed(repeat, lambda: store.read("bench_completed_projects_page", {"skip": 0, "limit": PAGE}))
    assert compiled.total == direct[0]["total"]
    assert [r["node"]["id"] for r in compiled.rows] == [x["id"] for x in direct[0]["page"]], "different answers"
    deep_after = None
    if n > 10_000:  # the cursor of the 10,000th item by name, as a client walking the list would hold it
        deep_after = encode_keyset(query_digest("Project", None, "name", False), "project-0009999", "p:0009999")
    deep_ms = (await timed(repeat, page(None, after=deep_after)))[0] if deep_after else None
    return {
        "projects": n,
        "unfiltered_page_ms": unfiltered_ms,
        "or_not_page_ms": or_not_ms,
        "ratio_or_not_over_unfiltered": round(or_not_ms / unfiltered_ms, 2),
        "or_not_page_with_total_ms": or_not_counted_ms,
        "or_not_matched": counted.total,
        "fifty_condition_page_ms": fifty_page_ms,
        "fifty_condition_page_with_total_ms": fifty_ms,
        "fifty_condition_matched": fifty.total,
        "thirty_five_without_contains_page_ms": without_contains_ms,
        "fifteen_contains_only_page_ms": contains_only_ms,
        "fifty_condition_scan_with_total_ms": fifty_scan_ms,
        "fifteen_contains_scan_page_ms": contains_scan_ms,
        "ratio_fifty_scan_over_narrowed": round(fifty_scan_ms / fifty_ms, 1),
        "compiled_status_eq_with_total_ms": compiled_ms,
        "handwritten_status_eq_ms": direct_ms,
        "ratio_compiled_over_handwritten": round(compiled_ms / direct_ms, 2),
        "page_after_10000th_item_ms": deep_ms,
    }


async def measure(server: EmbeddedFalkorDB, args: argparse.Namespace) -> dict[str, Any]:
    root = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="bench", pool_size=2)
    try:
        sizes = []
        for n in args.projects:
            store = root.for_graph(f"bench_{n}")
            sizes.append(await measure_size(store, n, args.repeat))  # type: ignore[arg-type]
            await store.drop_graph(f"bench_{n}")
    finally:
        await root.close()
    return {"benchmark": "list_filters", "inputs": {"projects": args.projects, "repeat": args.repeat, "page": PAGE},
            "sizes": sizes}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if min(args.projects) < 1 or args.repeat < 1:
        parser.error("--projects and --repeat must be at least 1")
    run(lambda server: measure(server, args))


if __name__ == "__main__":
    main()
