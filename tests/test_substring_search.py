"""`contains` on a project name: every write path keeps its search text, and the index narrows soundly.

A name's lower-cased copy and trigrams (maestro_graph/substrings.py) are written by the importer,
createProject and updateProject, and backfilled by bootstrap for older nodes; FalkorDB answers a
trigram-narrowed filter from its index and re-checks each candidate. The random-filter agreement
with Python (tests/test_compiled_filters.py) covers the answers; this covers the write paths, the
fall-backs to the scan, and that the index really serves the narrowed filter.
"""

from __future__ import annotations

import json

from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.service import reads, writes
from maestro_graph.service.compile import compile_page, compile_where
from maestro_graph.service.filters import PROJECTS, Cond, Where
from maestro_graph.store.port import GraphStore
from maestro_graph.substrings import needle_grams, trigrams


def contains(text: str, field: str = "name") -> Where:
    return Where(conds=[Cond(field, "contains", text)])


async def matching(store: GraphStore, where: Where) -> list[str]:
    page = await reads.list_nodes(store, "Project", where, "id", False, 100, None, count=True)
    assert page.total == len(page.rows)
    return [row["node"]["id"] for row in page.rows]


async def test_every_write_path_keeps_a_name_searchable(backend_store: GraphStore) -> None:
    store = backend_store
    records = [{"kind": "project", "id": "p:imported", "name": "Fraud Detector"},
               {"kind": "project", "id": "p:other", "name": "Churn Radar"}]
    await import_lines(store, [json.dumps(r) for r in records], batch_size=10)
    await writes.create_project(store, {"name": "Real-time FRAUD scoring"}, "p:created")
    await writes.update_project(store, "p:other", {"name": "Credit Fraudster"})
    # a project stored before search text existed: the statement alone, as an older Maestro wrote it
    await store.write("import_projects", {"rows": [{"id": "p:legacy", "props": {"name": "Legacy fraud model"}}]})
    await store.bootstrap()  # backfills the legacy node

    assert await matching(store, contains("FRAUD")) == ["p:created", "p:imported", "p:legacy", "p:other"]
    assert await matching(store, contains("radar")) == []  # the old name no longer matches
    assert await matching(store, contains("credit f")) == ["p:other"]
    assert await matching(store, contains("ud")) == ["p:created", "p:imported", "p:legacy", "p:other"]  # short: the scan
    shown = (await reads.nodes_by_id(store, "Project", ["p:legacy"]))[0]
    assert shown is not None and not {"nameLower", "nameGrams"} & set(shown)  # the store's, not the client's


async def test_falkordb_answers_a_narrowed_filter_from_its_index(store: GraphStore) -> None:
    await import_lines(store, [json.dumps({"kind": "project", "id": f"p:{i}", "name": f"project-{i}"}) for i in range(30)],
                       batch_size=100)
    where = Where(any_of=[Where(conds=[Cond("name", "eq", f"project-{i}")]) for i in range(3)]
                  + [Where(conds=[Cond("complexityScore", "gt", 9)]), contains("ect-2"), contains("JECT-17")])
    page = compile_page(PROJECTS, where, "name", False, None, 20, store.dialect)
    text = store.statements.filled("projects_page", page.fill)  # type: ignore[attr-defined]
    graph = store._db.select_graph(store.graph)  # type: ignore[attr-defined]
    plan = str(await graph.explain(text, page.params))
    assert "Node By Index Scan" in plan and "Label Scan" not in plan
    expected = {"p:0", "p:1", "p:2", "p:17"} | {f"p:{i}" for i in range(20, 30)}  # project-2 and project-2x hold "ect-2"
    assert await matching(store, where) == sorted(expected)


def test_narrowing_is_added_only_where_it_is_sound() -> None:
    def where_text(where: Where, dialect: str = "falkordb") -> str:
        return compile_where(PROJECTS, where, dialect).fill["WHERE"]

    assert "IN n.nameGrams" in where_text(contains("Fraud"))
    assert "nameGrams" not in where_text(contains("Fraud"), "neo4j")  # Neo4j: a TEXT index serves CONTAINS
    assert "n.nameLower CONTAINS" in where_text(contains("Fraud"), "neo4j")
    assert "nameGrams" not in where_text(contains("fr"))  # shorter than a trigram
    # an OR branch the index cannot narrow (NOT, an unindexed text) leaves the scan to answer
    assert "nameGrams" not in where_text(Where(any_of=[contains("fraud"), Where(not_=contains("churn"))]))
    assert "nameGrams" not in where_text(Where(any_of=[contains("fraud"), contains("churn", "description")]))
    # an AND keeps the part it can narrow
    assert "IN n.nameGrams" in where_text(Where(conds=[Cond("name", "contains", "fraud"), Cond("description", "contains", "x")]))


def test_a_needle_always_binds_the_same_number_of_trigrams_all_from_the_needle() -> None:
    for needle in ("abc", "abcd", "fraud detector", "aaaaaa", "'}) detach delete n //"):
        grams = needle_grams(needle)
        assert grams is not None and len(grams) == 4 and set(grams) <= set(trigrams(needle))
    assert needle_grams("ab") is None
    assert trigrams("Straße".lower()) == sorted({"str", "tra", "raß", "aße"})
