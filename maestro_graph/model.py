"""The graph model's vocabulary and rules, shared by the importer, the services and the API.

One place says what a valid project, artifact or person is, so that a JSONL import and a
GraphQL mutation accept and reject exactly the same things.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from maestro_graph.errors import InvalidInput
from maestro_graph.versions import MAX_VERSION


class ProblemClass(str, Enum):
    CLASSIFICATION = "classification"
    REGRESSION = "regression"
    NLP = "nlp"
    VISION = "vision"
    RECOMMENDATION = "recommendation"
    TIMESERIES = "timeseries"
    CLUSTERING = "clustering"
    RL = "rl"
    OTHER = "other"


class ArtifactType(str, Enum):
    FEATURE_PIPELINE = "feature_pipeline"
    MODEL_TEMPLATE = "model_template"
    SCHEMA = "schema"
    NOTEBOOK = "notebook"
    DATASET = "dataset"
    LIBRARY = "library"
    OTHER = "other"


class ProjectStatus(str, Enum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


MAX_NAME = 200
MAX_TEXT = 10_000
MAX_TAGS = 50
REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
MAX_ID = 256
INT64 = (-(2**63), 2**63 - 1)
# Printable: no control characters (C0, DEL, C1), no lone surrogates; `+`, `@`, `/`, spaces inside are fine.
ID_PATTERN = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,%d}$" % MAX_ID)
VERSION_PATTERN = re.compile(r"^[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,%d}$" % MAX_VERSION)
# One line: names, roles, types. FalkorDB 4.16 crashes (SIGSEGV in EnforceUniqueEntity) when a
# uniquely-constrained string such as an artifact name holds a control character; a name has no
# use for one anyway, so short fields refuse them all (C0 with tab and newline, DEL, C1).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def derived_id(prefix: str, *parts: object) -> str:
    """An id made from other values: readable when short, a stable digest when it would be too long."""
    text = ":".join([prefix, *map(str, parts)])
    if ID_PATTERN.match(text):
        return text
    return f"{prefix}:" + hashlib.sha1(text.encode()).hexdigest()


def check_id(value: Any, field: str = "id") -> str:
    """Ids come from other systems (package names with `+`, emails, paths): any printable text."""
    if not isinstance(value, str) or not ID_PATTERN.match(value) or value != value.strip():
        raise InvalidInput(
            f"{field} must be 1-{MAX_ID} printable characters (no control characters, "
            "no leading or trailing space)", field)
    return value


def _storable(value: str, field: str) -> str:
    """Reject what the stores cannot hold: NUL cuts a query short, a lone surrogate is not UTF-8."""
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise InvalidInput(f"{field} contains a NUL or an unpaired surrogate character", field)
    return value


def check_text(value: Any, field: str, *, max_len: int = MAX_NAME, required: bool = True,
               multiline: bool = False) -> str | None:
    """Free text; one line (no control character) unless `multiline` (descriptions, paths)."""
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a string", field)
    value = _storable(value, field).strip()
    if not multiline and CONTROL.search(value):
        raise InvalidInput(f"{field} must be one line without control characters (tab, newline, ...)", field)
    if required and not value:
        raise InvalidInput(f"{field} must not be empty", field)
    if len(value) > max_len:
        raise InvalidInput(f"{field} must be at most {max_len} characters", field)
    return value


def check_enum(value: Any, enum: type[Enum], field: str) -> str:
    allowed = [e.value for e in enum]  # type: ignore[attr-defined]
    if isinstance(value, Enum):
        value = value.value
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}", field)
    return str(value)


def check_number(value: Any, field: str, *, lo: float | None = None, hi: float | None = None, integer: bool = False) -> float | int:
    if integer and isinstance(value, float) and value.is_integer():
        value = int(value)  # 7.0 from a pandas export is the integer 7
    ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type:
        raise InvalidInput(f"{field} must be {'an integer' if integer else 'a number'}", field)
    if isinstance(value, float) and not math.isfinite(value):  # NaN and ±Infinity cannot be stored
        raise InvalidInput(f"{field} must be a finite number", field)
    if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:  # the stores hold 64-bit integers
        raise InvalidInput(f"{field} is outside the 64-bit integer range", field)
    if isinstance(value, float) and abs(value) > 2.0**63:  # the store clamps such doubles to INT64_MAX
        raise InvalidInput(f"{field} must be at most 9.2e18 in magnitude", field)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InvalidInput(f"{field} must be between {lo} and {hi}", field)
    return value


def check_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{field} must be true or false", field)
    return value


def check_tags(value: Any, field: str = "tags") -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) and 0 < len(t.strip()) <= 64 for t in value):
        raise InvalidInput(f"{field} must be a list of strings of 1-64 characters", field)
    if len(value) > MAX_TAGS:
        raise InvalidInput(f"{field} takes at most {MAX_TAGS} tags", field)
    return list(dict.fromkeys(_storable(t, field).strip().lower() for t in value))


def check_time(value: Any, field: str) -> int:
    """Epoch milliseconds: FalkorDB has no datetime type, so times are stored as integers."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"{field} must be epoch milliseconds or an ISO-8601 time", field) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        value = int(parsed.timestamp() * 1000)
    return int(check_number(value, field, lo=0, hi=32_503_680_000_000, integer=True))


def check_repository(value: Any, field: str = "repository") -> str:
    """A code repository as GitHub names it, `owner/name` (what webhooks send as full_name)."""
    if not isinstance(value, str) or not REPOSITORY.match(value.strip()) or value.strip().endswith(("/.", "/..")):
        raise InvalidInput(f"{field} must be owner/name, e.g. octo-org/octo-repo", field)
    return value.strip()


def check_version(value: Any, field: str = "version") -> str:
    """Any token of 1-64 printable characters without whitespace; `versions.py` orders them."""
    if not isinstance(value, str) or not VERSION_PATTERN.match(value):
        raise InvalidInput(f"{field} must be 1-{MAX_VERSION} printable characters without whitespace", field)
    return value


def metadata_json(extra: dict[str, Any]) -> str | None:
    """FalkorDB properties cannot hold maps, so free-form metadata is stored as a JSON string."""
    return json.dumps(extra, sort_keys=True, default=str) if extra else None


OUTCOME_FIELDS: dict[str, tuple[str, float | None, float | None]] = {
    # name: (kind, lo, hi)
    "success": ("bool", None, None),
    "successScore": ("number", 0.0, 1.0),
    "modelPerformance": ("number", 0.0, 1.0),
    "businessImpact": ("number", None, None),
    "durationDays": ("number", 0.0, 36_500.0),
    "costUsd": ("number", 0.0, None),
}


def check_outcome(outcome: Any, field: str = "outcome") -> dict[str, Any]:
    """Known keys are validated; unknown ones are kept as the outcome's own metadata (`outcomeMetadata`).

    A source may score outcomes its own way (`"score": 0.91`); refusing the file for it would
    lose the rest, so only a malformed value of a known key is an error.
    """
    if not isinstance(outcome, dict):
        raise InvalidInput(f"{field} must be an object", field)
    props: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in outcome.items():
        if key not in OUTCOME_FIELDS:
            extra[key] = value
            continue
        if value is None:
            continue
        kind, lo, hi = OUTCOME_FIELDS[key]
        sub = f"{field}.{key}"
        props[key] = check_bool(value, sub) if kind == "bool" else check_number(value, sub, lo=lo, hi=hi)
    if extra:
        props["outcomeMetadata"] = metadata_json(extra)
    return props


# Finer problem names that sources use -> the enum. The original name is kept as `problemSubclass`.
PROBLEM_SUBCLASSES: dict[str, ProblemClass] = {
    **dict.fromkeys((
        "binary_classification", "multiclass_classification", "multilabel_classification",
        "multi_class_classification", "multi_label_classification", "image_classification",
        "text_classification", "tabular_classification", "fraud_detection", "churn_prediction",
        "credit_scoring", "classification"), ProblemClass.CLASSIFICATION),
    **dict.fromkeys((
        "regression", "linear_regression", "tabular_regression", "price_prediction",
        "demand_estimation", "survival_analysis"), ProblemClass.REGRESSION),
    **dict.fromkeys((
        "nlp", "question_answering", "named_entity_recognition", "ner", "summarization",
        "translation", "machine_translation", "sentiment_analysis", "text_generation",
        "language_modeling", "token_classification", "information_extraction"), ProblemClass.NLP),
    **dict.fromkeys((
        "vision", "computer_vision", "object_detection", "segmentation", "image_segmentation",
        "semantic_segmentation", "instance_segmentation", "pose_estimation", "ocr",
        "image_generation"), ProblemClass.VISION),
    **dict.fromkeys((
        "recommendation", "recommender", "recommender_systems", "ranking", "learning_to_rank",
        "collaborative_filtering", "retrieval", "search_ranking"), ProblemClass.RECOMMENDATION),
    **dict.fromkeys((
        "timeseries", "time_series", "forecasting", "time_series_forecasting", "demand_forecasting",
        "sequence_prediction"), ProblemClass.TIMESERIES),
    **dict.fromkeys((
        "clustering", "anomaly_detection", "outlier_detection", "novelty_detection", "segmentation_of_customers",
        "customer_segmentation", "dimensionality_reduction", "topic_modeling"), ProblemClass.CLUSTERING),
    **dict.fromkeys((
        "rl", "reinforcement_learning", "bandits", "multi_armed_bandit", "control"), ProblemClass.RL),
}


def _name(value: Any, field: str) -> tuple[str, str]:
    """(the name as given, trimmed; its key: lower case, spaces and hyphens as underscores)."""
    text = check_text(value.value if isinstance(value, Enum) else value, field, max_len=64)
    assert text is not None
    return text, re.sub(r"[\s\-]+", "_", text.lower())


def classify_problem(value: Any, field: str = "problemClass") -> tuple[str, str | None]:
    """(enum value, original name or None): an unknown name is OTHER with the original kept, never an error.

    Names are matched case-insensitively with spaces and hyphens read as underscores.
    """
    if value is None:
        return ProblemClass.OTHER.value, None
    text, norm = _name(value, field)
    if norm in {c.value for c in ProblemClass}:
        return norm, None if norm == text else text
    mapped = PROBLEM_SUBCLASSES.get(norm, ProblemClass.OTHER)
    return mapped.value, text


# Words sources use for a project's state -> the enum, matched like problem names. "failed" is
# not among them: it is an outcome, not a state (status "completed" with outcome.success false),
# and guessing would teach the meta-model a wrong label.
STATUS_NAMES: dict[str, ProjectStatus] = {
    **dict.fromkeys((
        "planned", "planning", "proposed", "proposal", "backlog", "todo", "to_do", "not_started", "draft",
        "idea", "new", "scoping"), ProjectStatus.PLANNED),
    **dict.fromkeys((
        "active", "in_progress", "inprogress", "ongoing", "running", "started", "wip", "open", "on_hold",
        "paused", "blocked", "development", "in_development", "doing"), ProjectStatus.ACTIVE),
    **dict.fromkeys((
        "completed", "complete", "done", "finished", "closed", "delivered", "shipped", "deployed",
        "released", "in_production", "production", "live"), ProjectStatus.COMPLETED),
    **dict.fromkeys((
        "cancelled", "canceled", "abandoned", "aborted", "stopped", "dropped", "killed", "discontinued",
        "rejected", "archived"), ProjectStatus.CANCELLED),
}

# Artifact kinds sources use -> the enum. An unknown kind is "other", its name kept in metadata
# (`artifactType`), as an unknown problem name is "other" with its name kept.
ARTIFACT_TYPE_NAMES: dict[str, ArtifactType] = {
    **dict.fromkeys((
        "feature_pipeline", "pipeline", "features", "feature", "feature_view", "feature_set",
        "feature_store", "etl", "data_pipeline", "transform", "transformation"), ArtifactType.FEATURE_PIPELINE),
    **dict.fromkeys((
        "model_template", "model", "template", "estimator", "architecture", "pretrained_model",
        "checkpoint", "model_config"), ArtifactType.MODEL_TEMPLATE),
    **dict.fromkeys((
        "schema", "data_contract", "contract", "json_schema", "avro", "protobuf", "proto"), ArtifactType.SCHEMA),
    **dict.fromkeys(("notebook", "jupyter", "ipynb", "jupyter_notebook"), ArtifactType.NOTEBOOK),
    **dict.fromkeys(("dataset", "data_set", "data", "table", "corpus", "training_data"), ArtifactType.DATASET),
    **dict.fromkeys((
        "library", "lib", "package", "module", "sdk", "utility", "utilities", "utils", "tool",
        "python_package"), ArtifactType.LIBRARY),
    "other": ArtifactType.OTHER,
}


def read_status(value: Any, field: str = "status") -> str:
    """A project's state from the words sources use ("In progress", "done", "canceled"), any case.
    An unknown word is refused: a wrong state would mislabel the project for learning."""
    key = _name(value, field)[1]
    if key in STATUS_NAMES:
        return STATUS_NAMES[key].value
    hint = ": it is an outcome; use status completed with outcome.success false" if key == "failed" else ""
    raise InvalidInput(f"{field} must be one of {', '.join(s.value for s in ProjectStatus)} "
                       f"(or a usual word for one, such as 'in progress', 'done', 'canceled'){hint}", field)


def classify_artifact_type(value: Any, field: str = "artifactType") -> tuple[str, str | None]:
    """(enum value, the source's own name when it is not one we know, else None); missing is "other"."""
    if value is None:
        return ArtifactType.OTHER.value, None
    text, key = _name(value, field)
    if key in ARTIFACT_TYPE_NAMES:
        return ARTIFACT_TYPE_NAMES[key].value, None
    return ArtifactType.OTHER.value, text
