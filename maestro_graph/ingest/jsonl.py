"""Import a JSONL file into the graph: validate all of it, then write it in batches.

Nothing is written until every line has passed, including the check that each edge points to a
node that is in the file or already in the graph, so a bad file leaves the graph unchanged.
Writes are `UNWIND $rows MERGE` batches, nodes before edges; MERGE on `id` makes importing
the same file twice a no-op.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maestro_graph.errors import InvalidInput
from maestro_graph.ingest import records
from maestro_graph.store.port import GraphStore

WRITE_ORDER = (
    "import_persons", "import_projects", "import_artifacts", "import_created",
    "import_memberships", "import_usages", "import_derived_from", "import_new_version_of", "import_metrics",
    "import_metrics_first_seen",  # source importers only (maestro_graph/ingest/mlflow.py)
)
EXISTING = {"Project": "existing_project_ids", "Artifact": "existing_artifact_ids", "Person": "existing_person_ids"}
MAX_REPORTED = 20


class InvalidFile(InvalidInput):
    """A file that failed validation; `problems` lists (line, message) for the first few."""

    def __init__(self, problems: list[tuple[int, str]], total: int) -> None:
        line, first = problems[0]
        more = f" (and {total - 1} more problem{'s' if total > 2 else ''})" if total > 1 else ""
        super().__init__(f"line {line}: {first}{more}", field=f"line {line}")
        self.problems = problems
        self.total = total


@dataclass
class ImportPlan:
    """Validated rows per statement, deduplicated by key (a later line wins)."""

    rows: dict[str, dict[Any, dict[str, Any]]] = field(default_factory=dict)
    line_of: dict[tuple[str, Any], int] = field(default_factory=dict)
    lines: int = 0

    def add(self, statement: str, row: dict[str, Any], line: int = 0) -> None:
        key = (row.get("id") or (row.get("project"), row.get("person"), row.get("artifact"),
                                 row.get("from"), row.get("to"), row.get("context")))
        self.rows.setdefault(statement, {})[key] = row
        self.line_of[(statement, key)] = line

    def ids(self, statement: str) -> set[str]:
        return {row["id"] for row in self.rows.get(statement, {}).values()}

    def count(self) -> int:
        return sum(len(v) for v in self.rows.values())


@dataclass
class ImportReport:
    lines: int
    created: dict[str, int]
    updated: dict[str, int]

    @property
    def records(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def _no_constant(name: str) -> None:
    raise InvalidInput(f"{name} is not a number the graph can store")


def parse_lines(lines: Iterable[str | bytes]) -> ImportPlan:
    """Validate every line; raise `InvalidFile` naming the lines that failed."""
    plan = ImportPlan()
    problems: list[tuple[int, str]] = []
    total = 0
    for number, line in enumerate(lines, start=1):
        plan.lines = number
        if not line.strip():
            continue
        try:
            if isinstance(line, bytes):
                try:
                    line = line.decode("utf-8")
                except UnicodeDecodeError:
                    raise InvalidInput("not valid UTF-8") from None
            rec = json.loads(line, parse_constant=_no_constant)
            if not isinstance(rec, dict):
                raise InvalidInput("a line must be a JSON object")
            kind = rec.get("kind")
            if kind not in records.KINDS:
                raise InvalidInput(f"unknown kind {kind!r}; expected one of {', '.join(records.KINDS)}", "kind")
            statement, row = records.KINDS[kind](rec)
            plan.add(statement, row, number)
        except json.JSONDecodeError as exc:
            total += 1
            if len(problems) < MAX_REPORTED:
                problems.append((number, f"not valid JSON ({exc.msg})"))
        except InvalidInput as exc:
            total += 1
            if len(problems) < MAX_REPORTED:
                where = f"{exc.field}: " if exc.field and exc.field not in exc.message else ""
                problems.append((number, where + exc.message))
    if problems:
        raise InvalidFile(problems, total)
    for row in plan.rows.get("import_artifacts", {}).values():
        if "createdBy" in row["props"]:
            plan.add("import_created", {"person": row["props"]["createdBy"], "artifact": row["id"]})
    return plan


async def check_references(store: GraphStore, plan: ImportPlan) -> None:
    """Every edge endpoint must be in the file or in the graph; `import_created` edges are optional.

    One read per label for all the ids the file does not define itself; a failure names the
    lines whose edges point nowhere.
    """
    in_file = {label: plan.ids(stmt) for stmt, label in records.NODE_STATEMENTS.items()}
    wanted: dict[str, dict[str, list[int]]] = {label: {} for label in in_file}
    for statement, refs in records.REFERENCES.items():
        for key_, row in plan.rows.get(statement, {}).items():
            for key, label in refs:
                if row[key] not in in_file[label]:
                    wanted[label].setdefault(row[key], []).append(plan.line_of[(statement, key_)])
    problems: list[tuple[int, str]] = []
    for label, ids in wanted.items():
        if not ids:
            continue
        found = {r["id"] for r in await store.read(EXISTING[label], {"ids": sorted(ids)})}
        problems += [(line, f"{label} {i} is neither in the file nor in the graph")
                     for i in set(ids) - found for line in ids[i]]
    if problems:
        problems.sort()
        raise InvalidFile(problems[:MAX_REPORTED], len(problems))


async def write_plan(
    store: GraphStore, plan: ImportPlan, *, batch_size: int, progress: Callable[[int], None] | None = None,
    checkpoint: bool = True,
) -> ImportReport:
    """Write a validated plan; `checkpoint` compacts the store's log afterwards (see GraphStore.checkpoint)."""
    created: dict[str, int] = {}
    updated: dict[str, int] = {}
    for statement in WRITE_ORDER:
        rows = list(plan.rows.get(statement, {}).values())
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            result = await store.write(statement, {"rows": chunk})
            made = int(result[0]["created"]) if result else 0
            created[statement] = created.get(statement, 0) + made
            updated[statement] = updated.get(statement, 0) + len(chunk) - made
            if progress:
                progress(len(chunk))
    if checkpoint:
        await store.checkpoint()
    return ImportReport(plan.lines, created, updated)


async def import_lines(
    store: GraphStore, lines: Iterable[str | bytes], *, batch_size: int, progress: Callable[[int], None] | None = None
) -> ImportReport:
    plan = parse_lines(lines)
    await check_references(store, plan)
    return await write_plan(store, plan, batch_size=batch_size, progress=progress)


async def import_file(
    store: GraphStore, path: Path, *, batch_size: int, progress: Callable[[int], None] | None = None
) -> ImportReport:
    with path.open("rb") as fh:
        return await import_lines(store, fh, batch_size=batch_size, progress=progress)
