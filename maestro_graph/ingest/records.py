"""One JSONL record -> the rows the import statements write.

Each `kind` has a small function that validates the record with the shared rules of
`maestro_graph.model` and returns `(statement, row)`. Unknown keys of a known kind are kept in
`metadata` (a JSON string), as DESIGN.md promises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from maestro_graph import model as m
from maestro_graph.errors import InvalidInput
from maestro_graph.substrings import search_props
from maestro_graph.versions import version_key

Row = dict[str, Any]

# Who added and last changed a node and when (api/types/audit.py): an export writes them, an
# import restores them as they were rather than burying them in metadata.
AUDIT_KEYS = {"addedBy", "addedAt", "updatedBy", "updatedAt"}
PROJECT_KEYS = {"id", "name", "description", "problemClass", "problemSubclass", "complexityScore", "status", "tags",
                "startedAt", "completedAt", "outcome", "metadata", "repository", *AUDIT_KEYS}
ARTIFACT_KEYS = {"id", "name", "artifactType", "version", "description", "tags", "storagePath", "createdAt",
                 "createdBy", "metadata", *AUDIT_KEYS}
METRIC_KEYS = {"project", "type", "value", "at", "source", "metadata", "id", *AUDIT_KEYS}
PERSON_KEYS = {"id", "name", "role", "skills", "metadata"}
LINEAGE_TYPES = {"DERIVED_FROM": "import_derived_from", "NEW_VERSION_OF": "import_new_version_of"}


def _metadata(rec: dict[str, Any], known: set[str], kept: dict[str, Any] | None = None) -> str | None:
    """Unknown keys, the record's own `metadata`, and what validation `kept` of a value it mapped."""
    extra = {k: v for k, v in rec.items() if k not in known and k != "kind"}
    given = rec.get("metadata")
    if isinstance(given, dict):
        extra = {**given, **extra}
    elif given is not None:
        raise InvalidInput("metadata must be an object", "metadata")
    return m.metadata_json({**extra, **(kept or {})})


def _audit(rec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("addedBy", "updatedBy"):
        if rec.get(key) is not None:
            out[key] = m.check_id(rec[key], key)
    for key in ("addedAt", "updatedAt"):
        if rec.get(key) is not None:
            out[key] = m.check_time(rec[key], key)
    return out


def _drop_none(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def project(rec: dict[str, Any]) -> tuple[str, Row]:
    problem_class, subclass = m.classify_problem(rec.get("problemClass"))
    if rec.get("problemSubclass") is not None:  # an export round-trips the original name as it was
        subclass = m.check_text(rec["problemSubclass"], "problemSubclass", max_len=64)
    props: dict[str, Any] = {
        "name": m.check_text(rec.get("name"), "name"),
        "description": m.check_text(rec.get("description"), "description", max_len=m.MAX_TEXT, required=False, multiline=True),
        "problemClass": problem_class,
        "problemSubclass": subclass,
        "status": m.read_status(rec["status"]) if rec.get("status") is not None else m.ProjectStatus.PLANNED.value,
        "tags": m.check_tags(rec.get("tags")),
        "metadata": _metadata(rec, PROJECT_KEYS),
        "repository": m.check_repository(rec["repository"]) if rec.get("repository") is not None else None,
    }
    if rec.get("complexityScore") is not None:
        props["complexityScore"] = m.check_number(rec["complexityScore"], "complexityScore", lo=1, hi=10, integer=True)
    for key in ("startedAt", "completedAt"):
        if rec.get(key) is not None:
            props[key] = m.check_time(rec[key], key)
    if rec.get("outcome") is not None:
        props.update(m.check_outcome(rec["outcome"]))
    props.update(_audit(rec))
    props.update(search_props("Project", props))  # lower-cased copy and trigrams for `contains`
    return "import_projects", {"id": m.check_id(rec.get("id")), "props": _drop_none(props)}


def artifact(rec: dict[str, Any]) -> tuple[str, Row]:
    tags = m.check_tags(rec.get("tags"))
    version = m.check_version(rec.get("version", "1.0.0"))
    created_at = m.check_time(rec["createdAt"], "createdAt") if rec.get("createdAt") is not None else None
    artifact_type, own_type = m.classify_artifact_type(rec.get("artifactType"))
    # an unknown kind is "other"; the source's name for it stays readable in metadata
    metadata = _metadata(rec, ARTIFACT_KEYS, {"artifactType": own_type} if own_type else None)
    props = {
        "name": m.check_text(rec.get("name"), "name"),
        "artifactType": artifact_type,
        "version": version,
        "versionKey": version_key(version, created_at),
        "description": m.check_text(rec.get("description"), "description", max_len=m.MAX_TEXT, required=False, multiline=True),
        "tags": tags,
        "tagsText": " ".join(tags),
        "storagePath": m.check_text(rec.get("storagePath"), "storagePath", max_len=1000, required=False, multiline=True),
        "createdBy": m.check_id(rec["createdBy"], "createdBy") if rec.get("createdBy") is not None else None,
        "createdAt": created_at,
        "metadata": metadata,
        **_audit(rec),
    }
    return "import_artifacts", {"id": m.check_id(rec.get("id")), "props": _drop_none(props)}


def person(rec: dict[str, Any]) -> tuple[str, Row]:
    props = {
        "name": m.check_text(rec.get("name"), "name"),
        "role": m.check_text(rec.get("role"), "role", max_len=64, required=False),
        "skills": m.check_tags(rec.get("skills"), "skills"),
        "metadata": _metadata(rec, PERSON_KEYS),
    }
    return "import_persons", {"id": m.check_id(rec.get("id")), "props": _drop_none(props)}


def membership(rec: dict[str, Any]) -> tuple[str, Row]:
    props = {
        "role": m.check_text(rec.get("role"), "role", max_len=64, required=False),
        "since": m.check_time(rec["since"], "since") if rec.get("since") is not None else None,
        "metadata": _metadata(rec, {"person", "project", "role", "since", "metadata"}),
    }
    return "import_memberships", {
        "person": m.check_id(rec.get("person"), "person"),
        "project": m.check_id(rec.get("project"), "project"),
        "props": _drop_none(props),
    }


def usage(rec: dict[str, Any]) -> tuple[str, Row]:
    impact = rec.get("impact", rec.get("score"))
    props = {
        "impact": m.check_number(impact, "score", lo=0, hi=1) if impact is not None else None,
        "at": m.check_time(rec["at"], "at") if rec.get("at") is not None else None,
        "metadata": _metadata(rec, {"project", "artifact", "context", "impact", "score", "at", "metadata"}),
    }
    return "import_usages", {
        "project": m.check_id(rec.get("project"), "project"),
        "artifact": m.check_id(rec.get("artifact"), "artifact"),
        "context": m.check_text(rec.get("context", "general"), "context", max_len=64),
        "props": _drop_none(props),
    }


def lineage(rec: dict[str, Any]) -> tuple[str, Row]:
    kind = rec.get("type", "DERIVED_FROM")
    if kind not in LINEAGE_TYPES:
        raise InvalidInput(f"type must be one of {', '.join(LINEAGE_TYPES)}", "type")
    source, target = m.check_id(rec.get("from"), "from"), m.check_id(rec.get("to"), "to")
    if source == target:
        raise InvalidInput("an artifact cannot derive from itself", "to")
    props = {"metadata": _metadata(rec, {"from", "to", "type", "metadata"})}
    return LINEAGE_TYPES[kind], {"from": source, "to": target, "props": _drop_none(props)}


def metric(rec: dict[str, Any]) -> tuple[str, Row]:
    project_id = m.check_id(rec.get("project"), "project")
    mtype = m.check_text(rec.get("type"), "type", max_len=64)
    assert mtype is not None
    if not mtype.replace("_", "").isalnum():
        raise InvalidInput("type must be letters, digits and underscores", "type")
    at = m.check_time(rec.get("at"), "at")
    props = {
        "projectId": project_id,
        "type": mtype,
        "value": float(m.check_number(rec.get("value"), "value")),
        "at": at,
        "source": m.check_text(rec.get("source"), "source", max_len=64, required=False),
        "metadata": _metadata(rec, METRIC_KEYS),
        **_audit(rec),
    }
    metric_id = m.check_id(rec["id"]) if rec.get("id") else m.derived_id("metric", project_id, mtype, at)
    return "import_metrics", {"id": metric_id, "project": project_id, "props": _drop_none(props)}


KINDS: dict[str, Callable[[dict[str, Any]], tuple[str, Row]]] = {
    "project": project,
    "artifact": artifact,
    "person": person,
    "membership": membership,
    "usage": usage,
    "lineage": lineage,
    "metric": metric,
}

# Which endpoint of which statement must exist, and as what label.
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "import_memberships": (("person", "Person"), ("project", "Project")),
    "import_usages": (("project", "Project"), ("artifact", "Artifact")),
    "import_derived_from": (("from", "Artifact"), ("to", "Artifact")),
    "import_new_version_of": (("from", "Artifact"), ("to", "Artifact")),
    "import_metrics": (("project", "Project"),),
}
NODE_STATEMENTS = {"import_projects": "Project", "import_artifacts": "Artifact", "import_persons": "Person"}
