"""Import a JSONL file into the graph: validate all of it, then write it in batches.

Nothing is written until every line has passed, including the check that each edge points to a
node that is in the file or already in the graph, so a bad file leaves the graph unchanged.
Validation reports every problem (up to 20) with its line and field, so one run fixes a file.
Writes are `UNWIND $rows MERGE` batches, nodes before edges; MERGE on `id` makes importing
the same file twice a no-op, which is also why an import that stopped midway (Ctrl-C, the store
lost) is finished by running it again. After the artifacts, each imported name's NEW_VERSION_OF
chain is re-linked in version order, as `registerArtifact` does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maestro_graph.errors import InvalidInput, MaestroError, StoreUnavailable
from maestro_graph import model as m
from maestro_graph.ingest import records
from maestro_graph.service.writes import SYSTEM, now_ms
from maestro_graph.store.port import GraphStore
from maestro_graph.versions import version_key

WRITE_ORDER = (
    "import_persons", "import_projects", "import_artifacts", "import_created",
    "import_memberships", "import_usages", "import_derived_from", "import_new_version_of", "import_metrics",
    "import_metrics_first_seen",  # source importers only (maestro_graph/ingest/mlflow.py)
)
EXISTING = {"Project": "existing_project_ids", "Artifact": "existing_artifact_ids", "Person": "existing_person_ids"}
MAX_REPORTED = 20


Problem = tuple[int, str | None, str]  # (line, field, message)


# The statements that record who first added a node (`SET n.addedBy = coalesce(n.addedBy, r.by)`): projects and
# artifacts, what people ask "who brought this in" of. Not metric points: an import is mostly
# points (21k of the demo's 26k records): stamping every node made bench/import_speed.py's
# batched writes 10-20% slower (A/B, 40k records), for a question `Metric.source` answers.
AUDITED = frozenset({"import_projects", "import_artifacts"})


class InvalidFile(InvalidInput):
    """A file that failed validation; `problems` lists (line, field, message), at most 20 of `total`."""

    def __init__(self, problems: list[Problem], total: int) -> None:
        lines = [f"line {line}: {field + ': ' if field and field not in message else ''}{message}"
                 for line, field, message in problems]
        if total > len(problems):
            lines.append(f"(and {total - len(problems)} more problem{'s' if total - len(problems) > 1 else ''})")
        super().__init__("\n".join(lines), field=f"line {problems[0][0]}")
        self.problems = problems
        self.total = total


class ImportInterrupted(MaestroError):
    """Writing stopped midway; what was written is whole (each batch is atomic) and a re-run finishes it."""

    code = "STORE_UNAVAILABLE"

    def __init__(self, written: int, total: int, reason: str) -> None:
        super().__init__(
            f"import stopped after writing {written} of {total} records ({reason}); "
            "run the same import again to finish it (records already written are not duplicated)"
        )
        self.written = written
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
    """Validate every line; raise `InvalidFile` naming the lines (and fields) that failed."""
    plan = ImportPlan()
    problems: list[Problem] = []
    total = 0
    records_seen = 0
    versions: dict[tuple[str, str], int] = {}  # (name, version) -> first line
    artifact_ids: dict[tuple[str, str], str] = {}
    for number, line in enumerate(lines, start=1):
        plan.lines = number
        if not line.strip():
            continue
        records_seen += 1
        try:
            if isinstance(line, bytes):
                try:
                    line = line.decode("utf-8")
                except UnicodeDecodeError:
                    raise InvalidInput("not valid UTF-8") from None
            rec = json.loads(line, parse_constant=_no_constant)
            if not isinstance(rec, dict):
                raise InvalidInput("a line must be a JSON object")
            if "kind" not in rec:
                raise InvalidInput(f"missing kind; expected one of {', '.join(records.KINDS)}", "kind")
            kind = rec.get("kind")
            if kind not in records.KINDS:
                raise InvalidInput(f"unknown kind {kind!r}; expected one of {', '.join(records.KINDS)}", "kind")
            statement, row = records.KINDS[kind](rec)
            if statement == "import_artifacts":
                key = (row["props"]["name"], row["props"]["version"])
                if key in versions and artifact_ids[key] != row["id"]:
                    raise InvalidInput(
                        f"{key[0]} {key[1]} is already defined on line {versions[key]} (name and version must "
                        "be unique)", "version")
                versions.setdefault(key, number)
                artifact_ids.setdefault(key, row["id"])
            plan.add(statement, row, number)
        except json.JSONDecodeError as exc:
            total += 1
            if len(problems) < MAX_REPORTED:
                problems.append((number, None, f"not valid JSON ({exc.msg})"))
        except InvalidInput as exc:
            total += 1
            if len(problems) < MAX_REPORTED:
                problems.append((number, exc.field, exc.message))
    if records_seen == 0:
        raise InvalidInput("the file is empty: no records to import (one JSON object per line)", "file")
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
    problems: list[Problem] = []
    for label, ids in wanted.items():
        if not ids:
            continue
        found = {r["id"] for r in await store.read(EXISTING[label], {"ids": sorted(ids)})}
        problems += [(line, None, f"{label} {i} is neither in the file nor in the graph")
                     for i in set(ids) - found for line in ids[i]]
    problems += await _taken_versions(store, plan)
    if problems:
        problems.sort()
        raise InvalidFile(problems[:MAX_REPORTED], len(problems))


async def _taken_versions(store: GraphStore, plan: ImportPlan) -> list[Problem]:
    """Artifacts whose name+version the graph already holds under another id (the store would refuse them)."""
    rows = plan.rows.get("import_artifacts", {})
    by_version = {(r["props"]["name"], r["props"]["version"]): (key, r["id"]) for key, r in rows.items()}
    if not by_version:
        return []
    names = sorted({name for name, _ in by_version})
    problems: list[Problem] = []
    for start in range(0, len(names), 1000):
        for found in await store.read("existing_artifact_versions", {"names": names[start : start + 1000]}):
            mine = by_version.get((found["name"], found["version"]))
            if mine is not None and mine[1] != found["id"]:
                problems.append((plan.line_of[("import_artifacts", mine[0])], "version",
                                 f"{found['name']} {found['version']} is already in the graph as {found['id']}"))
    return problems


async def write_plan(
    store: GraphStore, plan: ImportPlan, *, batch_size: int, progress: Callable[[int], None] | None = None,
    checkpoint: bool = True, by: str = SYSTEM,
) -> ImportReport:
    """Write a validated plan; `checkpoint` compacts the store's log afterwards (see GraphStore.checkpoint).

    `progress` is told how many records each batch wrote, the unit the report counts too. If the
    store is lost or the user interrupts, `ImportInterrupted` says how far it got.
    """
    created: dict[str, int] = {}
    updated: dict[str, int] = {}
    written, total = 0, plan.count()
    at = now_ms()  # one time for the whole import: its nodes were added together
    for row in plan.rows.get("import_artifacts", {}).values():  # importers other than JSONL build rows too
        props = row["props"]
        m.check_text(props.get("name"), "name")  # before any write: a control character crashes FalkorDB
        props.setdefault("versionKey", version_key(str(props.get("version", "1.0.0")), props.get("createdAt")))
    try:
        for statement in WRITE_ORDER:
            rows = list(plan.rows.get(statement, {}).values())
            for start in range(0, len(rows), batch_size):
                chunk = rows[start : start + batch_size]
                if statement in AUDITED:
                    chunk = [{**row, "by": by, "at": at} for row in chunk]
                result = await store.write(statement, {"rows": chunk})
                made = int(result[0]["created"]) if result else 0
                created[statement] = created.get(statement, 0) + made
                updated[statement] = updated.get(statement, 0) + len(chunk) - made
                written += len(chunk)
                if progress:
                    progress(len(chunk))
            if statement == "import_new_version_of":
                await _relink_versions(store, plan, batch_size)
        if checkpoint:
            await store.checkpoint()
    except StoreUnavailable as exc:
        raise ImportInterrupted(written, total, exc.message) from exc
    except (KeyboardInterrupt, asyncio.CancelledError):
        raise ImportInterrupted(written, total, "interrupted") from None
    return ImportReport(plan.lines, created, updated)


async def _relink_versions(store: GraphStore, plan: ImportPlan, batch_size: int) -> None:
    """Each imported artifact name's NEW_VERSION_OF chain, re-linked in version order."""
    names = sorted({row["props"]["name"] for row in plan.rows.get("import_artifacts", {}).values()})
    for start in range(0, len(names), batch_size):
        await store.write("import_version_chains", {"names": names[start : start + batch_size]})


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
