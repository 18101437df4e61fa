"""Named statements: every name the code runs has a file in each dialect, and none is dead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maestro_graph.store.statements import DIALECTS, USED, MissingStatement, Statements, cypher_root

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (ROOT / "maestro_graph", ROOT / "gnn")  # gnn reads the graph through the port too
# A statement name is a string literal that names a cypher file: collect them from the code.
LITERAL = re.compile(r"""["']([a-z][a-z0-9_]+)["']""")


def names_in_code() -> set[str]:
    files = {p.stem for p in cypher_root().rglob("*.cypher")}
    found: set[str] = set()
    for path in (p for package in PACKAGES for p in package.rglob("*.py")):
        if path.name == "statements.py":  # the catalogue itself is not a use
            continue
        found |= {name for name in LITERAL.findall(path.read_text()) if name in files}
    return found


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_used_statement_loads_in_every_dialect(dialect: str) -> None:
    statements = Statements.load(dialect)
    assert USED <= set(statements)


def test_the_catalogue_matches_the_code() -> None:
    in_code = names_in_code()
    adapter_internal = {"delete_all_batch", "index_states", "schema"}
    assert in_code - USED - adapter_internal == set(), "statements used in code but not in USED"
    assert USED - in_code - {"schema"} == set(), "statements in USED that no code runs"


def test_a_missing_statement_fails_when_the_store_opens(tmp_path: Path) -> None:
    (tmp_path / "ping.cypher").write_text("RETURN 1 AS ok")
    with pytest.raises(MissingStatement, match="projects_page"):
        Statements.load("falkordb", root=tmp_path)


def test_no_statement_formats_values_into_text() -> None:
    """Parameters only: no Python format placeholders or concatenation markers in cypher files."""
    for path in cypher_root().rglob("*.cypher"):
        text = path.read_text()
        assert "{}" not in text and "%s" not in text and "{0" not in text, path
