"""The Neo4j 5 adapter of the graph store port (production; docker-compose.yml starts one).

Uses the official async driver. Every statement runs in a managed transaction
(`execute_read` / `execute_write`), so the driver retries it on transient failures (a lost
connection, a leader switch, a deadlock) for up to `timeout_s`. A retry is safe: it follows a
rollback, and a commit whose answer was lost (`IncompleteCommit`) is never retried. Reads run
in read transactions: a cluster routes them to a secondary, and the server refuses a write in
one, so a read statement file that writes by mistake fails instead of writing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import neo4j
from neo4j.exceptions import (AuthError, ConfigurationError, ConnectionAcquisitionTimeoutError, ConstraintError,
                              Neo4jError, ServiceUnavailable, SessionExpired, TransientError)

from maestro_graph.errors import Conflict, InvalidInput, StoreUnavailable, Timeout
from maestro_graph.store.port import Params, Row, StoreQueryError
from maestro_graph.store.statements import Statements
from maestro_graph.store.search_text import backfill_search_text
from maestro_graph.store.version_keys import backfill_version_keys
from maestro_graph.store.values import plain

DELETE_BATCH = 10_000
_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_LUCENE_OPERATORS = {"AND", "OR", "NOT"}
_WORD = re.compile(r"\w+")




def _raise_for(exc: Exception, name: str) -> NoReturn:
    code = (exc.code or "") if isinstance(exc, Neo4jError) else ""
    if "TransactionTimedOut" in code:  # the server's deadline (unit_of_work timeout) stopped it
        raise Timeout("the graph store did not answer in time; the transaction was stopped") from exc
    if isinstance(exc, (ServiceUnavailable, SessionExpired, ConnectionAcquisitionTimeoutError, TransientError, OSError)):
        raise StoreUnavailable("the graph store is unavailable") from exc
    if isinstance(exc, AuthError):
        raise StoreUnavailable("the graph store rejected the configured credentials") from exc
    if isinstance(exc, ConstraintError):
        raise Conflict("already registered: a node with this id, or an artifact with this name and version, exists") from exc
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        raise StoreUnavailable(f"the graph store has no such database ({exc.message})") from exc
    raise StoreQueryError(f"statement {name!r} failed: {exc}") from exc


async def _collect(tx: neo4j.AsyncManagedTransaction, text: str, params: dict[str, Any]) -> list[Row]:
    """Consume the whole result inside the transaction: its records are gone once it ends."""
    result = await tx.run(text, params)
    return [{key: plain(value) for key, value in record.items()} async for record in result]


def _lucene_word(word: str) -> str:
    """One word as a Lucene term: special characters escaped, bare operators made plain words."""
    if word in _LUCENE_OPERATORS:
        return word.lower()  # the index lowercases anyway; lowercase is never an operator
    return _LUCENE_SPECIAL.sub(r"\\\1", word)


class Neo4jStore:
    """`graph` names a Neo4j database; Community edition has exactly one (`neo4j`)."""

    dialect = "neo4j"

    def __init__(self, driver: neo4j.AsyncDriver, graph: str, *, timeout_s: float = 30.0) -> None:
        self._driver = driver
        self.graph = graph
        self.timeout_s = timeout_s
        self.statements = Statements.load(self.dialect)
        self._work = neo4j.unit_of_work(timeout=timeout_s)(_collect)  # server-side deadline

    @classmethod
    def connect(
        cls,
        *,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        pool_size: int = 16,
        timeout_s: float = 30.0,
    ) -> Neo4jStore:
        """Create the driver (it connects lazily: a down server shows on the first call).

        A bad URI is the operator's mistake, so it is an `InvalidInput` naming the setting,
        which the CLI prints on one line. The HTTP scheme is refused: it is a driver preview.
        """
        if not uri.startswith(_SCHEMES):
            raise InvalidInput("MAESTRO_NEO4J_URI must be a bolt:// or neo4j:// URI", "neo4j_uri")
        try:
            driver = neo4j.AsyncGraphDatabase.driver(
                uri,
                auth=(user, password) if password else None,
                max_connection_pool_size=pool_size,
                connection_timeout=timeout_s,
                connection_acquisition_timeout=timeout_s,
                max_transaction_retry_time=timeout_s,
            )
        except (ConfigurationError, ValueError) as exc:
            raise InvalidInput(f"MAESTRO_NEO4J_URI is not usable: {exc}", "neo4j_uri") from exc
        return cls(driver, database, timeout_s=timeout_s)

    def for_graph(self, graph: str) -> Neo4jStore:
        view = object.__new__(Neo4jStore)
        view.__dict__.update(self.__dict__)
        view.graph = graph
        return view

    def _session(self, graph: str | None) -> neo4j.AsyncSession:
        """Sessions share the driver's bookmark manager, so on a cluster a read that follows a
        write (in any session of this process) waits until the replica has that write."""
        return self._driver.session(
            database=graph or self.graph, bookmark_manager=self._driver.execute_query_bookmark_manager
        )

    async def _execute(self, label: str, text: str, params: Params | None, graph: str | None, read_only: bool) -> list[Row]:
        try:
            async with self._session(graph) as session:
                execute = session.execute_read if read_only else session.execute_write
                return await execute(self._work, text, dict(params or {}))
        except Exception as exc:  # noqa: BLE001 - translated into the port's errors
            _raise_for(exc, label)

    async def read(
        self, name: str, params: Params | None = None, *, graph: str | None = None, fill: Mapping[str, str] | None = None
    ) -> list[Row]:
        return await self._execute(name, self.statements.filled(name, fill), params, graph, read_only=True)

    async def write(self, name: str, params: Params | None = None, *, graph: str | None = None) -> list[Row]:
        return await self._execute(name, self.statements[name], params, graph, read_only=False)

    async def batch(
        self, name: str, rows: Sequence[Mapping[str, Any]], *, batch_size: int, graph: str | None = None
    ) -> int:
        for start in range(0, len(rows), batch_size):
            await self.write(name, {"rows": list(rows[start : start + batch_size])}, graph=graph)
        return len(rows)

    async def bootstrap(self, *, graph: str | None = None, timeout_s: float = 300.0) -> None:
        """Run cypher/neo4j/schema.cypher (all `IF NOT EXISTS`), then wait for every index.

        Each schema statement is its own transaction (Neo4j refuses schema and data changes in
        one). CREATE INDEX returns while the index is still POPULATING, and the full-text and
        vector procedures fail on an index that is not ONLINE, so wait until all of them are.
        """
        for i, statement in enumerate(self.statements.ddl(), start=1):
            await self._execute(f"schema #{i}", statement, None, graph, read_only=False)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            states = {row["name"]: row["state"] for row in await self.read("index_states", graph=graph)}
            failed = sorted(name for name, state in states.items() if state == "FAILED")
            if failed:
                raise StoreQueryError(f"index(es) failed to build: {', '.join(failed)} (see SHOW INDEXES YIELD *)")
            if all(state == "ONLINE" for state in states.values()):
                await backfill_version_keys(self, graph=graph)
                await backfill_search_text(self, graph=graph)
                return
            if loop.time() > deadline:
                raise StoreUnavailable("indexes did not come online in time")
            await asyncio.sleep(0.1)

    async def vector_search(
        self, label: str, prop: str, vector: Sequence[float], k: int, *, graph: str | None = None
    ) -> list[tuple[Row, float]]:
        rows = await self.read(
            "vector_search", {"label": label, "prop": prop, "vector": list(vector), "k": k}, graph=graph
        )
        return [(row["node"], row["score"]) for row in rows]

    def fulltext_query(self, terms: Sequence[str]) -> str:
        """Lucene syntax: every word escaped and required (AND), the last one a prefix.

        The prefix star goes only on a plain word: Lucene does not tokenize a wildcard term, so
        `c++*` would look for an indexed token starting with "c++", which the standard analyzer
        never produces; left as an escaped term, `c\\+\\+` is analyzed to "c" and matches.
        """
        words = [w for term in terms for w in term.split()]
        if not words:
            return ""
        parts = [_lucene_word(w) for w in words]
        if _WORD.fullmatch(words[-1]):
            parts[-1] += "*"
        return " AND ".join(parts)

    async def checkpoint(self) -> None:
        """Nothing to do: Neo4j's transaction log is durable and recovers on its own."""

    async def drop_graph(self, graph: str) -> None:
        """Delete every node (and relationship) of database `graph`; its schema stays.

        Neo4j Community has one user database and no DROP DATABASE, so dropping a graph means
        emptying it. It is done DELETE_BATCH nodes per transaction, because one DETACH DELETE
        of everything holds the whole deletion in one transaction's memory.
        """
        while (await self.write("delete_all_batch", {"limit": DELETE_BATCH}, graph=graph))[0]["deleted"]:
            pass

    async def health(self) -> bool:
        """One auto-commit `ping` under a short deadline. Not a managed transaction: that one
        would keep retrying for `timeout_s` while the server is down, and a probe must answer."""
        try:
            async with asyncio.timeout(min(self.timeout_s, 5.0)), self._session(None) as session:
                result = await session.run(self.statements["ping"])
                record = await result.single()
            return record is not None and record["ok"] == 1
        except Exception:  # noqa: BLE001 - health answers, it does not raise
            return False

    async def close(self) -> None:
        await self._driver.close()
