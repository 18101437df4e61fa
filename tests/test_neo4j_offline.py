"""What can be checked of the Neo4j adapter without a Neo4j server.

The contract suite (tests/store/test_contract.py) runs against a real server when
MAESTRO_NEO4J_URI is set; these run everywhere: the Lucene text the adapter builds, how driver
errors become the port's errors, and a statement added for FalkorDB that Neo4j would not have.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from neo4j.exceptions import ConstraintError, CypherSyntaxError, Neo4jError, ServiceUnavailable, SessionExpired

from maestro_graph.errors import Conflict, InvalidInput, StoreUnavailable, Timeout
from maestro_graph.store.neo4j import Neo4jStore, StoreQueryError
from maestro_graph.store.statements import Statements, cypher_root

LUCENE_SPECIAL = '+-!(){}[]^"~*?:\\/&|'


@pytest_asyncio.fixture
async def store() -> AsyncIterator[Neo4jStore]:
    """A store whose driver never connects: nothing here sends a query."""
    s = Neo4jStore.connect(uri="bolt://127.0.0.1:1", user="neo4j", password="unused")
    yield s
    await s.close()


class FailingDriver:
    """Stands in for the driver: every transaction fails with `error`."""

    execute_query_bookmark_manager = None

    def __init__(self, error: Exception) -> None:
        self.error = error

    def session(self, **_: object) -> FailingDriver:
        return self

    async def __aenter__(self) -> FailingDriver:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    async def execute_write(self, *_: object) -> None:
        raise self.error

    execute_read = execute_write


def params_of(text: str) -> set[str]:
    return set(re.findall(r"\$(\w+)", text))


def returned_columns(text: str) -> list[str]:
    """Column names of a statement's last RETURN (alias after AS, else the expression)."""
    body = re.split(r"\bRETURN\b", text)[-1]
    body = re.split(r"\b(?:ORDER BY|SKIP|LIMIT)\b", body)[0]
    columns, depth, current = [], 0, ""
    for ch in body:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            columns.append(current)
            current = ""
        else:
            current += ch
    columns.append(current)
    return [re.split(r"\bAS\b", c)[-1].strip() for c in columns]


def test_every_word_is_required_and_the_last_is_a_prefix(store: Neo4jStore) -> None:
    assert store.fulltext_query(["fraud", "detect"]) == "fraud AND detect*"
    assert store.fulltext_query(["feature_pipeline"]) == "feature_pipeline*"
    assert store.fulltext_query(["two words", "more"]) == "two AND words AND more*"


def test_no_words_make_an_empty_query(store: Neo4jStore) -> None:
    assert store.fulltext_query([]) == ""
    assert store.fulltext_query(["", "  "]) == ""


@pytest.mark.parametrize("special", list(LUCENE_SPECIAL))
def test_lucene_special_characters_are_escaped(store: Neo4jStore, special: str) -> None:
    assert store.fulltext_query([f"a{special}b", "tail"]) == f"a\\{special}b AND tail*"
    # A last word with punctuation stays an exact term: a wildcard is not analyzed by Lucene.
    assert store.fulltext_query([f"a{special}b"]) == f"a\\{special}b"


def test_a_user_cannot_inject_query_syntax(store: Neo4jStore) -> None:
    query = store.fulltext_query(['name:"x"', "OR", "*:*", "NOT", "(a||b)", "c&&d"])
    assert query == 'name\\:\\"x\\" AND or AND \\*\\:\\* AND not AND \\(a\\|\\|b\\) AND c\\&\\&d'


def test_a_bad_uri_is_a_settings_error_not_a_traceback() -> None:
    for uri in ("localhost:7687", "http://localhost:7474", ""):
        with pytest.raises(InvalidInput) as caught:
            Neo4jStore.connect(uri=uri, user="neo4j", password="unused")
        assert caught.value.field == "neo4j_uri"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ConstraintError(), Conflict),
        (ServiceUnavailable(), StoreUnavailable),
        (SessionExpired(), StoreUnavailable),
        (CypherSyntaxError(), StoreQueryError),
        (Neo4jError._hydrate_neo4j(code="Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                                   message="the transaction has been terminated"), Timeout),
    ],
)
async def test_driver_errors_become_the_ports_errors(error: Exception, expected: type[Exception]) -> None:
    store = Neo4jStore(FailingDriver(error), "neo4j")  # type: ignore[arg-type]
    with pytest.raises(expected):
        await store.write("create_project", {"props": {"id": "p:1", "name": "a"}})


def test_neo4j_has_every_statement_falkordb_has() -> None:
    missing = sorted(set(Statements.load("falkordb")) - set(Statements.load("neo4j")))
    assert not missing, f"add cypher/neo4j/ versions of {missing}"


def test_no_falkordb_only_syntax_reaches_neo4j() -> None:
    neo4j = Statements.load("neo4j")
    offenders = [name for name, text in neo4j.items() if "db.idx." in text or "vecf32(" in text]
    assert not offenders, f"these need a cypher/neo4j/ override: {offenders}"


def test_neo4j_overrides_keep_parameters_and_columns() -> None:
    root = cypher_root()
    for path in sorted((root / "neo4j").glob("*.cypher")):
        if path.stem == "schema":
            continue
        reference = next((p for p in (root / "falkordb" / path.name, root / path.name) if p.is_file()), None)
        if reference is None:
            continue  # a Neo4j-only statement (delete_all_batch, index_states)
        ours, theirs = path.read_text(), reference.read_text()
        assert params_of(ours) == params_of(theirs), path.name
        if not re.search(r"\bRETURN\b", ours + theirs):
            continue  # index DDL (create/drop_*_vector_index): nothing returned, dialect syntax differs
        assert returned_columns(ours) == returned_columns(theirs), path.name


def test_schema_statements_are_idempotent() -> None:
    ddl = Statements.load("neo4j").ddl()
    assert len(ddl) >= 10
    for statement in ddl:
        assert statement.startswith("CREATE ") and "IF NOT EXISTS" in statement, statement
