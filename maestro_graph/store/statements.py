"""Named Cypher statements, loaded from `cypher/`.

A statement is a file `cypher/NAME.cypher`; a dialect may replace it with
`cypher/<dialect>/NAME.cypher`. The whole set is loaded and checked when a store opens, so a
missing or misspelled statement fails at start-up, not on the first request that needs it.

Templates. A few statements (the filtered list pages, their counts and the project statistics)
hold placeholders written as Cypher comments, `/*WHERE*/`, `/*KEY*/`, `/*AFTER*/`, `/*DIR*/`,
`/*GROUP*/`. Only `maestro_graph/service/compile.py` fills them, and only with text it builds
from fixed pieces: whitelisted property names, operators from a fixed map, and generated
parameter names (`$p0`, `$p1`, ...). Every value a user gives travels as a parameter, so the
filled text depends on the filter's shape alone (and the store's plan cache stays warm).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

DIALECTS = ("falkordb", "neo4j")

# Every statement the application runs, checked when a store opens. Adding a statement means
# adding its file and its name here; tests/store/test_statements.py keeps the two in step.
USED = frozenset({
    "add_team_member", "api_keys", "api_keys_by_prefix", "create_api_key", "revoke_api_key", "artifact_co_used", "artifact_impact", "artifact_lineage_downstream",
    "artifact_lineage_upstream", "artifact_used_by", "artifact_versions",
    "artifacts_by_id", "artifacts_count", "artifacts_page", "persons_count", "persons_page", "project_stats",
    "project_team_sizes",
    "projects_count", "ids_artifacts_used_by_project", "ids_artifacts_used_by_project_named",
    "ids_projects_using_artifact", "ids_projects_using_artifact_named", "ids_projects_with_member",
    "ids_projects_with_member_named", "create_project", "delete_project", "existing_artifact_ids",
    "existing_person_ids", "existing_project_ids", "export_artifacts", "export_edges", "export_metrics",
    "export_persons", "export_projects", "graph_counts", "import_artifacts", "import_created",
    "import_derived_from", "import_memberships", "import_metrics", "import_new_version_of",
    "import_persons", "import_projects", "import_usages", "learn_artifacts", "learn_backtest", "learn_memberships",
    "learn_metrics", "learn_project", "learn_project_embeddings", "learn_project_metrics", "learn_projects",
    "learn_usages", "save_prediction", "log_artifact_usage", "person_artifacts_created",
    "person_projects", "persons_by_id", "ping", "project_artifacts", "project_metrics",
    "project_predictions", "project_team", "projects_by_id", "projects_page", "record_metric",
    "register_artifact", "schema", "search_artifacts", "search_artifacts_browse", "set_artifact_impacts",
    "set_project_embeddings", "update_project", "vector_search",
    # process signals (maestro ingest, /hooks/github, metricsSummary/velocity/dora)
    "dvc_dataset_heads", "import_ci_metrics", "import_metrics_first_seen", "project_by_repository", "project_signal_points",
    "artifacts_missing_version_key", "existing_artifact_versions", "import_version_chains", "set_version_keys",
    # search text for `contains` (maestro_graph/substrings.py)
    "projects_missing_search_text", "set_project_search_text",
    # embeddings and similarity (maestro_graph/embed, maestro_graph/similarity)
    "artifact_count", "artifact_neighbours_ann", "artifact_neighbours_exact", "artifact_vector_any", "embedding_any",
    "embedding_state_artifacts", "project_vector_any",
    "embedding_state_projects", "project_neighbours_ann", "project_neighbours_exact", "project_semantic_scores",
    "search_artifacts_by_ids", "set_artifact_embeddings", "similarity_project", "similarity_projects_page",
    # bulk vector loads: vectors written without the index, the index built once after (embed/bulk.py)
    "drop_project_vector_index", "create_project_vector_index", "drop_artifact_vector_index",
    "create_artifact_vector_index", "vector_index_states", "vector_index_options",
    # the index recall check of `maestro embed` (embed/recall.py)
    "sample_project_vectors", "sample_artifact_vectors",
    # relationship pages projecting only the selected properties (api/prefetch.py)
    "project_team_fields", "person_projects_fields", "project_artifacts_fields", "artifact_used_by_fields",
    "person_artifacts_created_fields", "artifact_co_used_fields",
})


def cypher_root() -> Path:
    """The `cypher/` folder: inside the installed wheel, else beside the package in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "cypher"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "cypher"


class MissingStatement(LookupError):
    """Raised at start-up when code names a statement that has no file."""


class Statements(Mapping[str, str]):
    """The statements one dialect runs: name -> Cypher text (immutable once loaded)."""

    def __init__(self, texts: dict[str, str], dialect: str) -> None:
        self._texts = texts
        self.dialect = dialect

    @classmethod
    def load(cls, dialect: str, root: Path | None = None) -> Statements:
        if dialect not in DIALECTS:
            raise ValueError(f"unknown Cypher dialect {dialect!r}; expected one of {DIALECTS}")
        root = root or cypher_root()
        texts = {p.stem: p.read_text() for p in sorted(root.glob("*.cypher"))}
        texts.update({p.stem: p.read_text() for p in sorted((root / dialect).glob("*.cypher"))})
        statements = cls(texts, dialect)
        statements.require(USED)
        return statements

    def require(self, names: Iterable[str]) -> None:
        missing = sorted(set(names) - set(self._texts))
        if missing:
            raise MissingStatement(f"no cypher/ file for statement(s) {', '.join(missing)} ({self.dialect})")

    def __getitem__(self, name: str) -> str:
        try:
            return self._texts[name]
        except KeyError:
            raise MissingStatement(f"no cypher/ file for statement {name!r} ({self.dialect})") from None

    def filled(self, name: str, fill: Mapping[str, str] | None) -> str:
        """The statement's text with its `/*SLOT*/` placeholders replaced (see the module docstring).

        A slot the template does not hold is a programming error, raised loudly, so a fragment
        can never be silently dropped (a dropped WHERE would return every node).
        """
        text = self[name]
        for slot, fragment in (fill or {}).items():
            marker = f"/*{slot}*/"
            if marker not in text:
                raise MissingStatement(f"statement {name!r} has no slot {marker}")
            text = text.replace(marker, fragment)
        return text

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def ddl(self) -> list[str]:
        """The dialect's schema statements (`schema.cypher`, one statement per `;`)."""
        text = self["schema"]
        lines = [ln for ln in text.splitlines() if not ln.strip().startswith("//")]
        return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
