"""Writes behind the GraphQL mutations: validate with the model's rules, then one statement each.

Each function either changes the graph and returns the changed node, or raises a domain error
and changes nothing (validation happens before the single, atomic statement).
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from maestro_graph import model as m
from maestro_graph.errors import Conflict, Forbidden, InvalidInput, NotFound
from maestro_graph.store.port import GraphStore
from maestro_graph.substrings import search_props
from maestro_graph.versions import version_key

Node = dict[str, Any]
log = logging.getLogger("maestro.writes")
SYSTEM = "system"  # the principal of writes made by local commands rather than an API caller


def now_ms() -> int:
    return int(time.time() * 1000)


def _new_id(prefix: str) -> str:
    return f"{prefix}:{uuid.uuid4().hex[:12]}"


def project_props(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate project fields (all required ones unless `partial`), dropping absent keys."""
    checks = {
        "name": lambda v: m.check_text(v, "name"),
        "description": lambda v: m.check_text(v, "description", max_len=m.MAX_TEXT, required=False, multiline=True),
        "problemClass": lambda v: m.check_enum(v, m.ProblemClass, "problemClass"),
        "problemSubclass": lambda v: m.check_text(v, "problemSubclass", max_len=64),
        "status": lambda v: m.check_enum(v, m.ProjectStatus, "status"),
        "complexityScore": lambda v: m.check_number(v, "complexityScore", lo=1, hi=10, integer=True),
        "tags": m.check_tags,
        "startedAt": lambda v: m.check_time(v, "startedAt"),
        "repository": m.check_repository,
    }
    unknown = set(data) - set(checks)
    if unknown:
        raise InvalidInput(f"unknown fields: {', '.join(sorted(unknown))}", sorted(unknown)[0])
    if not partial and data.get("name") is None:
        raise InvalidInput("name must not be empty", "name")
    props = {k: checks[k](v) for k, v in data.items() if v is not None}
    if props.get("problemSubclass") and "problemClass" not in props:  # the documented table decides
        props["problemClass"] = m.classify_problem(props["problemSubclass"])[0]
    return props


def added(by: str) -> dict[str, Any]:
    """Audit properties of a node a principal creates (`by` is the principal id)."""
    return {"addedBy": by, "addedAt": now_ms()}


def updated(by: str) -> dict[str, Any]:
    """Audit properties of the last change a principal made to a node."""
    return {"updatedBy": by, "updatedAt": now_ms()}


async def create_project(store: GraphStore, data: dict[str, Any], project_id: str | None = None, *, by: str = SYSTEM) -> Node:
    props = project_props(data, partial=False)
    props.setdefault("problemClass", "other")
    props.setdefault("status", "planned")
    props.setdefault("tags", [])
    props["id"] = m.check_id(project_id) if project_id else _new_id("p")
    props.update(search_props("Project", props))  # lower-cased copy and trigrams for `contains`
    props.update(added(by))
    rows = await store.write("create_project", {"props": props})
    return rows[0]["project"]


async def update_project(store: GraphStore, project_id: str, data: dict[str, Any], *, by: str = SYSTEM) -> Node:
    props = project_props(data, partial=True)
    if not props:
        raise InvalidInput("nothing to update", "input")
    props.update(search_props("Project", props))  # a new name gets a new lower-cased copy and trigrams
    props.update(updated(by))
    rows = await store.write("update_project", {"id": project_id, "props": props})
    if not rows:
        raise NotFound(f"no project {project_id}", "id")
    return rows[0]["project"]


async def record_outcome(
    store: GraphStore, project_id: str, outcome: dict[str, Any], completed_at: int | None, *, by: str = SYSTEM
) -> Node:
    props = m.check_outcome({k: v for k, v in outcome.items() if v is not None}, "input")
    if not props:
        raise InvalidInput("an outcome needs at least one field", "input")
    props["completedAt"] = m.check_time(completed_at, "completedAt") if completed_at is not None else now_ms()
    current = (await store.read("projects_by_id", {"ids": [project_id]}))
    if not current:
        raise NotFound(f"no project {project_id}", "projectId")
    if current[0]["node"].get("status") != "cancelled":
        props["status"] = "completed"
    props.update(updated(by))
    return (await store.write("update_project", {"id": project_id, "props": props}))[0]["project"]


async def register_artifact(store: GraphStore, data: dict[str, Any], *, by: str = SYSTEM) -> Node:
    """A new name+version is a new node, spliced into its name's NEW_VERSION_OF chain by version order.

    Uniqueness and the chain are the statement's and the store's job (one atomic write, a unique
    constraint on name+version), so concurrent registrations neither duplicate nor fork.
    """
    tags = m.check_tags(data.get("tags"))
    version = m.check_version(data.get("version") or "1.0.0")
    created_at = now_ms()
    props = {
        "name": m.check_text(data.get("name"), "name"),
        "artifactType": m.check_enum(data.get("artifactType"), m.ArtifactType, "artifactType"),
        "version": version,
        "versionKey": version_key(version, created_at),
        "description": m.check_text(data.get("description"), "description", max_len=m.MAX_TEXT, required=False, multiline=True),
        "tags": tags,
        "tagsText": " ".join(tags),
        "storagePath": m.check_text(data.get("storagePath"), "storagePath", max_len=1000, required=False, multiline=True),
        "createdBy": m.check_id(data["createdBy"], "createdBy") if data.get("createdBy") else None,
        "createdAt": created_at,
        **added(by),
    }
    props = {k: v for k, v in props.items() if v is not None}
    props["id"] = _new_id("a")
    conflict = Conflict(f"{props['name']} {props['version']} is already registered", "version")
    try:
        rows = await store.write("register_artifact", {"props": props, "createdBy": props.get("createdBy")})
    except Conflict:  # the unique constraint caught a concurrent registration of the same version
        raise conflict from None
    if not rows:
        raise conflict
    return rows[0]["artifact"]


async def add_team_member(
    store: GraphStore, project_id: str, person_id: str, role: str | None, name: str | None, *, by: str = SYSTEM
) -> Node:
    m.check_id(person_id, "personId")
    role = m.check_text(role, "role", max_len=64, required=False)
    name = m.check_text(name, "name") if name is not None else None
    rows = await store.write(
        "add_team_member", {"projectId": project_id, "personId": person_id, "role": role, "name": name, "now": now_ms(), "by": by}
    )
    if rows:
        return rows[0]["project"]
    if not await store.read("projects_by_id", {"ids": [project_id]}):
        raise NotFound(f"no project {project_id}", "projectId")
    raise NotFound(f"no person {person_id}; give a name to create them", "personId")


async def log_artifact_usage(
    store: GraphStore, project_id: str, artifact_id: str, context: str, impact: float | None, *, by: str = SYSTEM
) -> Node:
    context = m.check_text(context, "context", max_len=64) or "general"
    if impact is not None:
        m.check_number(impact, "impact", lo=0, hi=1)
    rows = await store.write(
        "log_artifact_usage",
        {"projectId": project_id, "artifactId": artifact_id, "context": context, "impact": impact, "now": now_ms(), "by": by},
    )
    if rows:
        return rows[0]["project"]
    if not await store.read("projects_by_id", {"ids": [project_id]}):
        raise NotFound(f"no project {project_id}", "projectId")
    raise NotFound(f"no artifact {artifact_id}", "artifactId")


async def record_metric(
    store: GraphStore, project_id: str, metric_type: str, value: float, at: int | None, source: str | None,
    *, replace: bool = False, by: str = SYSTEM,
) -> Node:
    """One point per (project, type, at): an existing point is a Conflict unless `replace`, so a
    past measurement is never overwritten by accident."""
    mtype = m.check_text(metric_type, "type", max_len=64)
    assert mtype is not None
    if not mtype.replace("_", "").isalnum():
        raise InvalidInput("type must be letters, digits and underscores", "type")
    value = float(m.check_number(value, "value"))
    at = m.check_time(at, "at") if at is not None else now_ms()
    props = {"projectId": project_id, "type": mtype, "value": value, "at": at}
    if source:
        props["source"] = m.check_text(source, "source", max_len=64)
    metric_id = m.derived_id("metric", project_id, mtype, at)
    rows = await store.write("record_metric", {
        "projectId": project_id, "id": metric_id, "props": {**props, "id": metric_id},
        "replace": replace, "by": by, "now": now_ms(),
    })
    if rows:
        return rows[0]["metric"]
    if not await store.read("projects_by_id", {"ids": [project_id]}):
        raise NotFound(f"no project {project_id}", "projectId")
    raise Conflict(f"{project_id} already has a {mtype} point at {at}; pass replace: true to overwrite it", "at")


async def delete_project(store: GraphStore, project_id: str, *, is_admin: bool, by: str = SYSTEM) -> str:
    """The project is gone afterwards, so who deleted it is recorded in the log, not the graph."""
    if not is_admin:
        raise Forbidden("deleteProject needs the admin role")
    rows = await store.write("delete_project", {"id": project_id})
    if not rows or rows[0]["deleted"] == 0:
        raise NotFound(f"no project {project_id}", "id")
    log.info("project %s deleted by %s", project_id, by)
    return project_id
