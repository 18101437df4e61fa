"""Import speed: batched `UNWIND $rows MERGE` against one write per record, in the same run.

Starts its own embedded FalkorDB in a temporary directory, generates a synthetic organisation
of N JSONL records, validates it once (`parse_lines`), then writes it with `write_plan` twice on
fresh graphs: in batches of `--batch-size` rows, and with batch size 1 (the same statements, one
round trip per row). The single-row side runs on at most the first `--single-records` records
(default 20,000: the whole default set, about 13 s on 2 cores) so that a larger `--records` does
not make it run for minutes; the generator emits nodes before the edges that use them, so any
prefix is a valid file. Prints one JSON object; no thresholds.

    python bench/import_speed.py [--records 20000] [--batch-size 1000] [--single-records 20000]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from typing import Any

from maestro_graph.ingest.jsonl import ImportPlan, check_references, parse_lines, write_plan
from harness import run  # bench/ is on sys.path
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore

PROBLEM_CLASSES = ("classification", "regression", "nlp", "vision", "recommendation", "timeseries")
ARTIFACT_TYPES = ("feature_pipeline", "model_template", "schema", "notebook", "dataset", "library")


def organisation(n: int) -> Iterator[dict[str, Any]]:
    """N records, about 5 per project: people, projects, artifacts, then the edges among them.

    Each block writes its nodes before the edges that point at them, and edges only point at
    nodes of this or earlier blocks, so every prefix of the stream is a file that imports.
    """
    emitted = 0
    i = 0
    while True:
        block: list[dict[str, Any]] = []
        if i % 5 == 0:
            block.append({"kind": "person", "id": f"u:{i // 5}", "name": f"Person {i // 5}", "role": "ml_engineer",
                          "skills": ["python", "pytorch"]})
        people = i // 5 + 1
        block.append({
            "kind": "project", "id": f"p:{i}", "name": f"project-{i}",
            "description": f"synthetic project {i} for the import benchmark",
            "problemClass": PROBLEM_CLASSES[i % len(PROBLEM_CLASSES)], "complexityScore": 1 + i % 10,
            "status": "completed", "tags": ["bench", f"t{i % 7}"],
            "outcome": {"success": i % 3 != 0, "successScore": (i % 100) / 100, "durationDays": 10 + i % 60,
                        "costUsd": 500.0 + i},
        })
        if i % 2 == 0:
            a = i // 2
            block.append({"kind": "artifact", "id": f"a:{a}", "name": f"artifact-{a}",
                          "artifactType": ARTIFACT_TYPES[a % len(ARTIFACT_TYPES)], "version": "1.0.0",
                          "tags": ["bench"], "createdBy": f"u:{a % people}"})
            if a > 0:
                block.append({"kind": "lineage", "from": f"a:{a}", "to": f"a:{a - 1}", "type": "DERIVED_FROM"})
        artifacts = i // 2 + 1
        block.append({"kind": "membership", "person": f"u:{i % people}", "project": f"p:{i}", "role": "lead"})
        block.append({"kind": "usage", "project": f"p:{i}", "artifact": f"a:{(i * 7) % artifacts}",
                      "context": "training", "score": 0.5})
        block.append({"kind": "metric", "project": f"p:{i}", "type": "commits_per_week", "value": float(i % 40),
                      "at": 1_700_000_000_000 + i * 86_400_000})
        for rec in block:
            if emitted == n:
                return
            yield rec
            emitted += 1
        i += 1


async def timed_write(root: FalkorDBStore, graph: str, plan: ImportPlan, batch_size: int) -> dict[str, Any]:
    """Write `plan` on a fresh graph; the clock covers `write_plan` only (validation is shared)."""
    store = root.for_graph(graph)
    await store.bootstrap()
    try:
        await check_references(store, plan)
        start = time.perf_counter()
        report = await write_plan(store, plan, batch_size=batch_size, checkpoint=False)
        seconds = time.perf_counter() - start
        await store.checkpoint()  # what `maestro import` does next: a fixed cost, timed apart
        checkpoint_s = time.perf_counter() - start - seconds
        counts = (await store.read("graph_counts"))[0]
    finally:
        await store.drop_graph(graph)
    records = plan.lines
    return {
        "records": records,
        "rows_written": plan.count(),
        "batch_size": batch_size,
        "round_trips": sum(-(-len(rows) // batch_size) for rows in plan.rows.values()),
        "seconds": round(seconds, 3),
        "records_per_s": round(records / seconds, 1),
        "checkpoint_seconds": round(checkpoint_s, 3),
        "records_per_s_with_checkpoint": round(records / (seconds + checkpoint_s), 1),
        "created": sum(report.created.values()),
        "nodes": counts["nodes"],
        "edges": counts["edges"],
    }


async def measure(server: EmbeddedFalkorDB, args: argparse.Namespace) -> dict[str, Any]:
    lines = [json.dumps(r) for r in organisation(args.records)]
    single_n = min(args.single_records, args.records) if args.single_records > 0 else args.records

    start = time.perf_counter()
    plan = parse_lines(lines)
    parse_s = time.perf_counter() - start
    single_plan = parse_lines(lines[:single_n])

    root = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="bench", pool_size=2)
    try:
        batched = await timed_write(root, "bench_batched", plan, args.batch_size)
        single = await timed_write(root, "bench_single", single_plan, 1)
    finally:
        await root.close()
    return {
        "benchmark": "import_speed",
        "inputs": {
            "records": args.records,
            "batch_size": args.batch_size,
            "single_records": single_n,
            "single_is_subset": single_n < args.records,
            "fsync": args.fsync,
            "note": "seconds cover the writes only; validation (parse) and the AOF compaction that follows an "
                    "import (checkpoint) are timed apart: each is the same fixed cost for both sides",
        },
        "parse": {"seconds": round(parse_s, 3), "records_per_s": round(args.records / parse_s, 1)},
        "batched": batched,
        "single": single,
        "ratio_batched_over_single": round(batched["records_per_s"] / single["records_per_s"], 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000, help="records to generate (default 20000)")
    parser.add_argument("--batch-size", type=int, default=1000, help="rows per UNWIND batch (default 1000)")
    parser.add_argument("--single-records", type=int, default=20_000,
                        help="at most the first N records for the one-write-per-record side (default 20000; 0 = all)")
    parser.add_argument("--fsync", choices=("everysec", "always", "no"), default="everysec",
                        help="append-only fsync policy of the embedded server (default everysec)")
    args = parser.parse_args(argv)
    if args.records < 1 or args.batch_size < 1:
        parser.error("--records and --batch-size must be at least 1")

    run(lambda server: measure(server, args), fsync=args.fsync)


if __name__ == "__main__":
    main()
