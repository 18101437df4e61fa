"""The FalkorDB adapter of the graph store port (embedded by default, or external).

Statements run over the lean RESP client of `wire.py` and are decoded by `compact.py`
(`falkordb.asyncio` over redis-py cost a point read more CPU than the rest of its GraphQL request);
the administrative commands (bootstrap, constraints, AOF rewrite) keep `falkordb.asyncio`. Read
statements go through `GRAPH.RO_QUERY`, so they can never write even if a statement file is
wrong. FalkorDB runs each query atomically, which is what makes `write` and each `batch` chunk
all-or-nothing.

Every call has a deadline of `timeout_s` (`MAESTRO_STORE_TIMEOUT_S`) twice over: the client gives
up after `timeout_s` (and closes that connection), and each query carries FalkorDB's own TIMEOUT
argument set a little shorter (`SERVER_TIMEOUT_SHARE`), so the store stops the statement and says
so before the client gives up; the caller sees `Timeout` either way, and no statement runs on
unobserved.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from falkordb.asyncio import FalkorDB
from falkordb.helpers import stringify_param_value
from redis.asyncio import BlockingConnectionPool
from redis.asyncio.connection import SSLConnection, UnixDomainSocketConnection, parse_url
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from maestro_graph.errors import Conflict, StoreUnavailable, Timeout
from maestro_graph.store.port import Params, Row, StoreQueryError
from maestro_graph.store import compact
from maestro_graph.store.statements import Statements
from maestro_graph.store.values import Vector, plain
from maestro_graph.store.search_text import backfill_search_text
from maestro_graph.store.version_keys import backfill_version_keys
from maestro_graph.store.wire import WirePool, pack

# The index drops these words; left in a query they make it match nothing.
REDISEARCH_STOPWORDS = frozenset(
    "a is the an and are as at be but by for if in into it no not of on or such that their then "
    "there these they this to was will with".split()
)
UNIQUE_ID_LABELS = ("Project", "Artifact", "Person", "Metric", "Prediction")
# (label, properties) the store keeps unique: every id, and an artifact's name+version, so that
# concurrent registrations of one version cannot make two nodes whatever the code path.
UNIQUE_KEYS = tuple((label, ("id",)) for label in UNIQUE_ID_LABELS) + (("Artifact", ("name", "version")),)
log = logging.getLogger("maestro.store")
_ALREADY = ("already indexed", "already exists", "attribute is already indexed")
SERVER_TIMEOUT_SHARE = 0.9
HEALTH_TIMEOUT_S = 5.0




def params_header(params: Params | None) -> str:
    """`CYPHER a=... b=... `: how FalkorDB takes parameters (values as Cypher literals, as the falkordb client writes them)."""
    if not params:
        return ""
    parts = ["CYPHER "]
    for key, value in params.items():
        if not key or "`" in key:
            raise ValueError(f"invalid parameter name {key!r}")
        parts.append(f"`{key}`={literal(value)} ")
    return "".join(parts)


def literal(value: Any) -> str:
    """`stringify_param_value`, with lists of floats (vectors) written by `str(list)` in C.

    The falkordb helper calls itself once per element: a batch of 64 vectors (24,576 floats)
    took ~25 ms of event-loop CPU (~130 ms wall on the loaded machine), and every point read
    queued behind a background embedding write waited for it. A
    list holding only floats prints as the same Cypher list literal either way. A `Vector` (float32
    data) is written with 9 significant digits: exact for float32, less text for the store to parse.
    """
    if type(value) is str:  # quote_string's output, without its per-call type checks (id lists)
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if type(value) is Vector:
        return "[" + ",".join(map("%.9g".__mod__, value)) + "]"
    if type(value) is list and value and all(type(x) is float for x in value):
        return str(value)
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            key = k.decode() if isinstance(k, bytes) else str(k)
            if key == "" or "`" in key:
                return stringify_param_value(value)  # the helper raises its own error for these keys
            parts.append(f"`{key}`:{literal(v)}")
        return "{" + ",".join(parts) + "}"
    if isinstance(value, (list, tuple)):
        return f"[{','.join(map(literal, value))}]"
    return stringify_param_value(value)


def _raise_for(exc: Exception, name: str, timeout_s: float) -> NoReturn:
    timed_out = Timeout(f"the graph store did not answer within {timeout_s:g}s; the request was stopped")
    if isinstance(exc, (RedisTimeoutError, TimeoutError)) or (isinstance(exc, ResponseError) and "timed out" in str(exc).lower()):
        raise timed_out from exc
    if isinstance(exc, (RedisConnectionError, OSError)):
        raise StoreUnavailable("the graph store is unavailable") from exc
    if isinstance(exc, ResponseError) and "unique constraint violation" in str(exc):
        raise Conflict("already registered: a node with this id, or an artifact with this name and version, exists") from exc
    raise StoreQueryError(f"statement {name!r} failed: {exc}") from exc


class FalkorDBStore:
    dialect = "falkordb"

    def __init__(self, db: FalkorDB, pool: BlockingConnectionPool, graph: str, *, timeout_s: float = 30.0,
                 wire: WirePool | None = None) -> None:
        """`db`/`pool` (redis-py) run the administrative commands; `wire` runs statements (see `wire.py`)."""
        self._db = db
        self._pool = pool
        self._wire = wire
        self.graph = graph
        self.timeout_s = timeout_s
        self.timeout_ms = max(1, int(timeout_s * 1000 * SERVER_TIMEOUT_SHARE))
        self.statements = Statements.load(self.dialect)

    @classmethod
    def connect(
        cls,
        *,
        socket_path: str | None = None,
        url: str | None = None,
        password: str | None = None,
        graph: str,
        pool_size: int = 16,
        timeout_s: float = 30.0,
    ) -> FalkorDBStore:
        """Connect over a unix socket (the embedded server) or a redis:// URL (an external one)."""
        if socket_path:
            wire = WirePool.unix(socket_path, pool_size, password)
            pool = BlockingConnectionPool(
                connection_class=UnixDomainSocketConnection,
                path=socket_path,
                password=password,
                max_connections=pool_size,
                timeout=timeout_s,
                socket_timeout=timeout_s,
                socket_connect_timeout=timeout_s,
                decode_responses=True,
            )
        elif url:
            pool = BlockingConnectionPool.from_url(
                url, max_connections=pool_size, timeout=timeout_s, socket_timeout=timeout_s,
                socket_connect_timeout=timeout_s, decode_responses=True,
            )
            wire = _wire_for_url(url, pool_size)
        else:
            raise ValueError("FalkorDBStore needs a socket path or a URL")
        return cls(FalkorDB(connection_pool=pool), pool, graph, timeout_s=timeout_s, wire=wire)

    def for_graph(self, graph: str) -> FalkorDBStore:
        view = object.__new__(FalkorDBStore)
        view.__dict__.update(self.__dict__)
        view.graph = graph
        return view

    async def _run(
        self, name: str, params: Params | None, graph: str | None, read_only: bool, fill: Mapping[str, str] | None = None
    ) -> list[Row]:
        text = params_header(params) + self.statements.filled(name, fill)
        try:
            async with asyncio.timeout(self.timeout_s):  # the socket's deadline, for the whole call
                return await self._statement(graph or self.graph, text, read_only)
        except Exception as exc:  # noqa: BLE001 - translated into the port's errors
            _raise_for(exc, name, self.timeout_s)

    async def _statement(self, graph: str, text: str, read_only: bool) -> list[Row]:
        command = ("GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY", graph, text, "--compact", "timeout", self.timeout_ms)
        if self._wire is None:  # a URL scheme the lean client does not speak: the falkordb client
            g = self._db.select_graph(graph)
            result = await (g.ro_query if read_only else g.query)(text, timeout=self.timeout_ms)
            columns = [h[1] if isinstance(h, (list, tuple)) else h for h in result.header]
            return [dict(zip(columns, (plain(v) for v in row))) for row in result.result_set]
        reply = await self._wire.request(pack(*command), retry=read_only)

        async def property_keys() -> list[str]:
            keys = await self._wire.request(pack("GRAPH.RO_QUERY", graph, "CALL db.propertyKeys()", "--compact",
                                                 "timeout", self.timeout_ms))
            return [next(iter(row.values())) for row in await compact.decode(keys, property_keys)]

        return await compact.decode(reply, property_keys)

    async def read(
        self, name: str, params: Params | None = None, *, graph: str | None = None, fill: Mapping[str, str] | None = None
    ) -> list[Row]:
        return await self._run(name, params, graph, read_only=True, fill=fill)

    async def write(self, name: str, params: Params | None = None, *, graph: str | None = None) -> list[Row]:
        return await self._run(name, params, graph, read_only=False)

    async def batch(
        self, name: str, rows: Sequence[Mapping[str, Any]], *, batch_size: int, graph: str | None = None
    ) -> int:
        for start in range(0, len(rows), batch_size):
            await self._run(name, {"rows": list(rows[start : start + batch_size])}, graph, read_only=False)
        return len(rows)

    async def bootstrap(self, *, graph: str | None = None) -> None:
        """Indexes first (a unique constraint needs an exact-match index), then constraints.

        When anything was created, the append-only file is compacted at the end: FalkorDB 4.16
        replays writes that follow index DDL in that file very slowly (a restart after 30k
        records took 69 s instead of 0.5 s), and a snapshot holds the indexes without replay.
        """
        name = graph or self.graph
        g = self._db.select_graph(name)
        created = False
        for statement in self.statements.ddl():
            try:
                await g.query(statement)
                created = True
            except ResponseError as exc:
                if not any(s in str(exc) for s in _ALREADY):
                    raise StoreQueryError(f"schema statement failed: {exc}") from exc
        await self._wait_indexes(g)
        existing = {(c["label"], tuple(c["properties"])) for c in await g.list_constraints()}
        for label, props in UNIQUE_KEYS:
            if (label, props) not in existing:
                await self._db.connection.execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", name, "UNIQUE", "NODE", label, "PROPERTIES", len(props), *props
                )
                created = True
        await self._wait_constraints(g, name)
        if await backfill_version_keys(self, graph=name):
            created = True
        if await backfill_search_text(self, graph=name):
            created = True
        if created:
            await self.checkpoint()

    async def _wait_indexes(self, g: Any, timeout_s: float = 60.0) -> None:
        """Index creation returns before the index exists; wait until every one is operational."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            result = await g.ro_query("CALL db.indexes() YIELD status RETURN status")
            if all(row[0] == "OPERATIONAL" for row in result.result_set):
                return
            await asyncio.sleep(0.05)
        raise StoreUnavailable("indexes did not become operational in time")

    async def _wait_constraints(self, g: Any, graph: str, timeout_s: float = 60.0) -> None:
        """Wait until every constraint is operational; one the existing data violates is dropped.

        Only artifact name+version can fail that way (data written before the constraint, with
        duplicates): the store then starts with a warning instead of never, and registerArtifact
        still refuses a duplicate in its own atomic statement.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            constraints = await g.list_constraints()
            for c in constraints:
                if c["status"] == "FAILED":
                    await self._db.connection.execute_command(
                        "GRAPH.CONSTRAINT", "DROP", graph, "UNIQUE", "NODE", c["label"],
                        "PROPERTIES", len(c["properties"]), *c["properties"])
                    log.warning("graph %s: existing %s nodes share %s, so that uniqueness is not enforced by the "
                                "store; export, fix and re-import them to restore it",
                                graph, c["label"], "+".join(c["properties"]))
            if all(c["status"] == "OPERATIONAL" for c in constraints if c["status"] != "FAILED"):
                return
            await asyncio.sleep(0.05)
        raise StoreUnavailable("unique constraints did not become operational in time")

    async def vector_search(
        self, label: str, prop: str, vector: Sequence[float], k: int, *, graph: str | None = None
    ) -> list[tuple[Row, float]]:
        rows = await self.read(
            "vector_search", {"label": label, "prop": prop, "vector": list(vector), "k": k}, graph=graph
        )
        return [(row["node"], row["score"]) for row in rows]

    def fulltext_query(self, terms: Sequence[str]) -> str:
        """RediSearch syntax: words AND-ed, the last one a prefix so search-as-you-type works."""
        words = [t for t in terms if t and t.lower() not in REDISEARCH_STOPWORDS]
        if not words:
            return ""
        return " ".join(words[:-1] + [words[-1] + "*"])

    async def checkpoint(self) -> None:
        """BGREWRITEAOF and wait: the append-only file becomes a snapshot plus nothing to replay."""
        conn = self._db.connection
        try:
            await conn.execute_command("BGREWRITEAOF")
        except ResponseError:  # a rewrite is already running or scheduled: waiting for it is enough
            pass
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 300
        while loop.time() < deadline:
            info = await conn.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                return
            await asyncio.sleep(0.05)

    async def drop_graph(self, graph: str) -> None:
        try:
            await self._db.select_graph(graph).delete()
        except ResponseError:
            pass  # an empty graph was never created

    async def health(self) -> bool:
        """A real read (`ping`) on the default graph, so True means reads work, not only that
        the server answers PING; bounded by HEALTH_TIMEOUT_S so a probe always answers."""
        try:
            async with asyncio.timeout(min(self.timeout_s, HEALTH_TIMEOUT_S)):
                rows = await self.read("ping")
            return rows == [{"ok": 1}]
        except Exception:  # noqa: BLE001 - health answers, it does not raise
            return False

    async def close(self) -> None:
        if self._wire is not None:
            await self._wire.close()
        await self._pool.disconnect()


def _wire_for_url(url: str, pool_size: int) -> WirePool | None:
    """The lean client for redis:// and rediss:// URLs (database 0: graphs live there); None otherwise."""
    options = parse_url(url)
    if "host" not in options or options.get("db", 0) not in (0, None):
        return None
    return WirePool.tcp(options["host"], int(options.get("port") or 6379), pool_size,
                        password=options.get("password"), username=options.get("username"),
                        tls=options.get("connection_class") is SSLConnection)
