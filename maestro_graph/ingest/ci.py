"""CI runs -> `pipeline_duration_s` and `pipeline_success` points, from three CI systems' JSON.

Shapes read (as their APIs return them):
- GitHub Actions: `GET /repos/{owner}/{repo}/actions/runs` -> `{"total_count", "workflow_runs":
  [{id, run_attempt, status, conclusion, run_started_at, updated_at, head_sha, ...}]}`; the
  `workflow_run` webhook carries one such run.
- Jenkins: `GET /job/NAME/api/json?tree=builds[number,result,timestamp,duration,building,url]`
  -> `{"builds": [...]}`; `timestamp` and `duration` are milliseconds.
- GitLab: `GET /projects/:id/pipelines` (a list) or one pipeline; `started_at`/`finished_at`
  (or `duration`) when present, else `created_at`/`updated_at`.

Only completed runs that succeeded or failed count; cancelled, skipped and running ones are
skipped. Each point's id comes from the run's own id, so a later attempt of a run replaces the
earlier one (`import_ci_metrics` refuses an older attempt) and the same file twice adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maestro_graph import model as m
from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.target import metric_row
from maestro_graph.service.writes import SYSTEM, now_ms
from maestro_graph.store.port import GraphStore

WEBHOOK = "webhook:github"  # the principal of points a signed GitHub delivery adds


@dataclass(frozen=True)
class Run:
    """One finished CI run, whatever system it came from."""

    key: str  # stable identity of the run across attempts, e.g. "gha:30433642"
    attempt: int
    started_ms: int
    duration_s: float
    success: bool
    sha: str | None = None


def _time(value: Any, what: str) -> int:
    try:
        return m.check_time(value, what)
    except InvalidInput:
        raise InvalidInput(f"{what} is not a time: {value!r}", what) from None


def github_runs(doc: Any) -> list[Run]:
    """Workflow runs from the REST list (`workflow_runs`) or a single run object."""
    runs = doc.get("workflow_runs") if isinstance(doc, dict) and "workflow_runs" in doc else [doc]
    if not isinstance(runs, list):
        raise InvalidInput("workflow_runs must be a list", "workflow_runs")
    out = []
    for run in runs:
        if not isinstance(run, dict) or "id" not in run:
            raise InvalidInput("each workflow run needs an id", "workflow_runs")
        if run.get("status") != "completed" or run.get("conclusion") not in ("success", "failure"):
            continue
        started = _time(run.get("run_started_at") or run.get("created_at"), "run_started_at")
        ended = _time(run.get("updated_at"), "updated_at")
        out.append(Run(f"gha:{run['id']}", int(run.get("run_attempt") or 1), started,
                       max(0.0, (ended - started) / 1000), run["conclusion"] == "success", run.get("head_sha")))
    return out


def jenkins_runs(doc: Any) -> list[Run]:
    builds = doc.get("builds") if isinstance(doc, dict) else None
    if not isinstance(builds, list):
        raise InvalidInput("a Jenkins file needs a builds list (api/json?tree=builds[...])", "builds")
    out = []
    for build in builds:
        if not isinstance(build, dict) or "number" not in build:
            raise InvalidInput("each Jenkins build needs a number", "builds")
        if build.get("building") or build.get("result") not in ("SUCCESS", "FAILURE"):
            continue
        key = build.get("url") or build["number"]
        out.append(Run(f"jenkins:{key}", 1, _time(build.get("timestamp"), "timestamp"),
                       float(build.get("duration") or 0) / 1000, build["result"] == "SUCCESS"))
    return out


def gitlab_runs(doc: Any) -> list[Run]:
    pipelines = doc if isinstance(doc, list) else [doc]
    out = []
    for p in pipelines:
        if not isinstance(p, dict) or "id" not in p:
            raise InvalidInput("each GitLab pipeline needs an id", "id")
        if p.get("status") not in ("success", "failed"):
            continue
        started = _time(p.get("started_at") or p.get("created_at"), "started_at")
        if p.get("duration") is not None:
            duration = float(p["duration"])
        else:
            duration = (_time(p.get("finished_at") or p.get("updated_at"), "finished_at") - started) / 1000
        out.append(Run(f"gitlab:{p.get('project_id', '')}:{p['id']}", 1, started, max(0.0, duration),
                       p["status"] == "success", p.get("sha")))
    return out


PARSERS: dict[str, Callable[[Any], list[Run]]] = {
    "github-actions": github_runs,
    "jenkins": jenkins_runs,
    "gitlab": gitlab_runs,
}


def read_runs(system: str, path: Path) -> list[Run]:
    if system not in PARSERS:
        raise InvalidInput(f"unknown CI system {system!r}; expected one of {', '.join(PARSERS)}", "system")
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", "file")
    try:
        doc = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} is not JSON ({exc})", "file") from None
    return PARSERS[system](doc)


def latest_attempts(runs: Iterable[Run]) -> list[Run]:
    best: dict[str, Run] = {}
    for run in runs:
        if run.key not in best or run.attempt >= best[run.key].attempt:
            best[run.key] = run
    return list(best.values())


def metric_rows(project_id: str, runs: Iterable[Run], source: str) -> list[dict[str, Any]]:
    rows = []
    for run in latest_attempts(runs):
        meta = {"run": run.key, **({"sha": run.sha} if run.sha else {})}
        for mtype, value in (("pipeline_duration_s", run.duration_s), ("pipeline_success", 1.0 if run.success else 0.0)):
            row = metric_row(project_id, mtype, value, run.started_ms, source, key=run.key, metadata=meta)
            row["props"]["attempt"] = run.attempt
            rows.append(row)
    return rows


async def write_runs(store: GraphStore, project_id: str, runs: Iterable[Run], source: str, *, batch_size: int,
                     progress: Callable[[int], None] | None = None, by: str = SYSTEM) -> int:
    """Write the runs' points; returns how many points were new. `by`: who adds them (audit)."""
    rows = metric_rows(project_id, runs, source)
    created, at = 0, now_ms()
    for start in range(0, len(rows), batch_size):
        chunk = [{**row, "by": by, "at": at} for row in rows[start : start + batch_size]]
        result = await store.write("import_ci_metrics", {"rows": chunk})
        created += int(result[0]["created"]) if result else 0
        if progress:
            progress(len(chunk))
    return created


async def workflow_run_event(store: GraphStore, payload: Any, *, batch_size: int = 1000) -> list[str]:
    """A `workflow_run` webhook: the run's points go to every project whose `repository` matches.

    Returns the project ids written to (empty: unknown repository, or a run that does not count).
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("workflow_run"), dict):
        raise InvalidInput("a workflow_run event needs a workflow_run object", "workflow_run")
    repository = (payload.get("repository") or {}).get("full_name")
    if not isinstance(repository, str):
        raise InvalidInput("a workflow_run event needs repository.full_name", "repository")
    if payload.get("action") != "completed":
        return []
    runs = github_runs(payload["workflow_run"])
    projects = [r["id"] for r in await store.read("project_by_repository", {"repository": repository})]
    for project_id in projects:
        await write_runs(store, project_id, runs, "github-actions", batch_size=batch_size, by=WEBHOOK)
    return projects
