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
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:_.\-/@]{0,127}$")
REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.\-]+)?$")


def derived_id(prefix: str, *parts: object) -> str:
    """An id made from other values: readable when short, a stable digest when it would be too long."""
    text = ":".join([prefix, *map(str, parts)])
    if ID_PATTERN.match(text):
        return text
    return f"{prefix}:" + hashlib.sha1(text.encode()).hexdigest()


def check_id(value: Any, field: str = "id") -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise InvalidInput(f"{field} must be 1-128 characters of letters, digits and :_.-/@", field)
    return value


def _storable(value: str, field: str) -> str:
    """Reject what the stores cannot hold: NUL cuts a query short, a lone surrogate is not UTF-8."""
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise InvalidInput(f"{field} contains a NUL or an unpaired surrogate character", field)
    return value


def check_text(value: Any, field: str, *, max_len: int = MAX_NAME, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a string", field)
    value = _storable(value, field).strip()
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
    text = check_text(value, field, max_len=64)
    assert text is not None
    if not SEMVER.match(text):
        raise InvalidInput(f"{field} must look like 1.2.3", field)
    return text


def version_key(version: str) -> tuple[Any, ...]:
    """Semantic-version order: '1.10.0' after '1.9.0', '1.0.0-rc.1' before '1.0.0'.

    Build metadata (+...) is ignored; pre-release identifiers compare numerically when numeric.
    """
    core, _, pre = version.split("+", 1)[0].partition("-")
    parts = [int(p) if p.isdigit() else 0 for p in (core.split(".") + ["0", "0"])[:3]]
    if not pre:
        return (*parts, 1, ())
    ids = tuple((0, int(i), "") if i.isdigit() else (1, 0, i) for i in pre.split("."))
    return (*parts, 0, ids)


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
    if not isinstance(outcome, dict):
        raise InvalidInput(f"{field} must be an object", field)
    unknown = set(outcome) - set(OUTCOME_FIELDS)
    if unknown:
        raise InvalidInput(f"{field} has unknown keys: {', '.join(sorted(unknown))}", field)
    props: dict[str, Any] = {}
    for key, value in outcome.items():
        if value is None:
            continue
        kind, lo, hi = OUTCOME_FIELDS[key]
        sub = f"{field}.{key}"
        props[key] = check_bool(value, sub) if kind == "bool" else check_number(value, sub, lo=lo, hi=hi)
    return props
