"""Compiled `where` filters answer what a plain-Python reading of the same filter answers.

Random AND/OR/NOT trees (hypothesis) run over a real embedded store holding projects with
missing properties, lists and team sizes, and over the same records in Python. A condition on a
property a project lacks is false, also under NOT: the Python side states that rule once.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.service import reads
from maestro_graph.service.compile import compile_page, compile_where
from maestro_graph.service.filters import PROJECTS, Cond, Where
from maestro_graph.store.port import GraphStore

NAMES = ["fraud-alpha", "Fraud-Beta", "churn", "o'brien", 'say "hi"', "back`tick", "{brace}", "MATCH (n) DELETE n",
         "İstanbul ΣΑΣ"]  # lower-casing beyond ASCII: Python's, stored at write time, is the one rule
STATUSES = ["planned", "active", "completed", "cancelled"]
CLASSES = ["classification", "nlp", "vision"]
TAGS = ["fraud", "ops", "nlp"]


def project(i: int) -> dict[str, Any]:
    """Every third project lacks a complexity score; outcomes exist only for finished ones."""
    record: dict[str, Any] = {
        "kind": "project", "id": f"p:{i:02d}", "name": f"{NAMES[i % len(NAMES)]}-{i}",
        "status": STATUSES[i % 4], "problemClass": CLASSES[i % 3], "tags": [TAGS[i % 3]] + (["ops"] if i % 5 == 0 else []),
    }
    if i % 3:
        record["complexityScore"] = 1 + (i * 7) % 10
    if record["status"] in ("completed", "cancelled"):
        record["outcome"] = {"success": i % 3 == 0, "successScore": round((i % 10) / 10, 1)}
    return record


RECORDS = [project(i) for i in range(36)] + [
    {"kind": "person", "id": f"u:{k}", "name": f"person {k}"} for k in range(4)
] + [
    {"kind": "membership", "person": f"u:{k}", "project": f"p:{i:02d}"} for i in range(0, 36, 3) for k in range(i % 4)
]
PROJECT_ROWS = [r for r in RECORDS if r["kind"] == "project"]
TEAM = {p["id"]: sum(1 for r in RECORDS if r["kind"] == "membership" and r["project"] == p["id"]) for p in PROJECT_ROWS}


def value_of(p: dict[str, Any], name: str) -> Any:
    if name == "teamSize":
        return TEAM[p["id"]]
    if name in ("success", "successScore"):
        return (p.get("outcome") or {}).get(name)
    return p.get(name)


def holds(p: dict[str, Any], cond: Cond) -> bool:
    value = value_of(p, cond.field)
    if value is None:
        return False  # a missing property never satisfies a condition
    match cond.op:
        case "eq": return value == cond.value
        case "in": return value in cond.value
        case "gt": return value > cond.value
        case "gte": return value >= cond.value
        case "lt": return value < cond.value
        case "lte": return value <= cond.value
        case "contains": return cond.value.lower() in value.lower()
        case "has": return cond.value.lower() in value
    raise AssertionError(cond.op)


def matches(p: dict[str, Any], where: Where) -> bool:
    return (all(holds(p, c) for c in where.conds)
            and all(matches(p, w) for w in where.all_of)
            and (where.any_of is None or any(matches(p, w) for w in where.any_of))
            and (where.not_ is None or not matches(p, where.not_)))


# short needles fall back to the scan; longer ones are narrowed by trigrams (maestro_graph/substrings.py)
strings = st.sampled_from(NAMES + STATUSES + CLASSES + ["fraud", "'", "zzz", "churn-2", "ud-", "σας", "i̇stan", "ha-1"])
numbers = st.one_of(st.integers(0, 11), st.sampled_from([0.5, 2.5, 7.5]))
conditions = st.one_of(
    st.builds(Cond, st.sampled_from(["name", "status", "problemClass"]),
              st.sampled_from(["eq", "contains", "gt", "lte"]), strings),
    st.builds(Cond, st.sampled_from(["status", "problemClass"]), st.just("in"), st.lists(strings, max_size=3)),
    st.builds(Cond, st.sampled_from(["complexityScore", "teamSize", "successScore"]),
              st.sampled_from(["eq", "gt", "gte", "lt", "lte"]), numbers),
    st.builds(Cond, st.just("complexityScore"), st.just("in"), st.lists(st.integers(0, 11), max_size=3)),
    st.builds(Cond, st.just("success"), st.just("eq"), st.booleans()),
    st.builds(Cond, st.just("tags"), st.just("has"), st.sampled_from(TAGS + ["FRAUD", "none"])),
)
leaves = st.builds(Where, conds=st.lists(conditions, max_size=2))
trees = st.recursive(leaves, lambda sub: st.one_of(
    st.builds(Where, conds=st.lists(conditions, max_size=1), all_of=st.lists(sub, max_size=2)),
    st.builds(Where, any_of=st.lists(sub, max_size=3)),
    st.builds(Where, conds=st.lists(conditions, max_size=1), not_=sub),
), max_leaves=6)


async def test_random_filters_agree_with_python(store: GraphStore) -> None:
    await import_lines(store, [json.dumps(r) for r in RECORDS], batch_size=100)
    loop = asyncio.get_running_loop()

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(trees)
    def agree(where: Where) -> None:
        run = reads.list_nodes(store, "Project", where, "id", False, 100, None)
        page = asyncio.run_coroutine_threadsafe(run, loop).result(timeout=30)
        expected = sorted(p["id"] for p in PROJECT_ROWS if matches(p, where))
        assert [row["node"]["id"] for row in page.rows] == expected
        assert page.total == len(expected)

    await asyncio.to_thread(agree)  # hypothesis drives a sync function; the store stays on this loop


def test_the_compiled_text_depends_on_the_shape_not_on_the_values() -> None:
    def shape(a: str, n: float, tag: str) -> Where:
        return Where(conds=[Cond("name", "contains", a)], any_of=[
            Where(conds=[Cond("complexityScore", "gt", n)]), Where(not_=Where(conds=[Cond("tags", "has", tag)]))])

    hostile = shape("'}) DETACH DELETE n //", 3, "`x` OR true")
    plain = shape("fraud", 7.5, "ops")
    first, second = compile_page(PROJECTS, hostile, "name", False, None, 10, "falkordb"), compile_page(PROJECTS, plain, "name", False, None, 10, "falkordb")
    assert first.fill == second.fill
    text = " ".join(first.fill.values())
    assert "DETACH" not in text and "`" not in text and "'" not in text
    assert first.params["p0"] == "'}) detach delete n //"  # lower-cased for a case-insensitive contains


def test_ored_equalities_and_bounds_on_one_field_become_one_test() -> None:
    where = Where(any_of=[Where(conds=[Cond("name", "eq", "a")]), Where(conds=[Cond("name", "in", ["b", "c"])]),
                          Where(conds=[Cond("complexityScore", "gt", 7)]), Where(conds=[Cond("complexityScore", "gt", 3)]),
                          Where(conds=[Cond("complexityScore", "lte", 1)])])
    compiled = compile_where(PROJECTS, where, "falkordb")
    assert sorted(map(str, compiled.params.values())) == ["1", "3", "['a', 'b', 'c']"]
    assert compiled.fill["WHERE"].count(" OR ") == 2
