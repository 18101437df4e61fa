"""Process signals summarised: per-type summaries, velocity and DORA, from a project's Metric points.

Windows end at the project's latest signal (not at "now"), so a finished project's figures do
not decay to nothing as time passes; `windowDays` reaches back from there.

Trends are least-squares slopes of value over time, in value units per week: the sign says
which way a signal moves, the size how fast; null with fewer than two points.

DORA follows Apache DevLake's definitions, fed by the signals Maestro ingests:
- deployment frequency: the median, over the ISO weeks the window touches, of the number of
  distinct UTC days with at least one `deployment` point (DevLake's "deployment days per week");
- lead time for changes: the median, over pull requests merged in the window, of the hours from
  the PR's first commit to the first deployment at or after its merge (`pr_merge_hours` gives
  first commit -> merge; the next `deployment` point gives merge -> deploy);
- change failure rate: deployments followed by an `incident` point before the next deployment,
  over all deployments in the window;
- time to restore: the median `incident` value (hours from the incident to its resolution).
Each figure is null with the reason when the points it needs are missing.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from maestro_graph.errors import InvalidInput, NotFound
from maestro_graph.store.port import GraphStore

DAY_MS = 24 * 3600 * 1000
WEEK_MS = 7 * DAY_MS
VELOCITY_TYPES = ("commits_per_week", "code_churn", "contributors", "pipeline_success", "pipeline_duration_s")
DORA_TYPES = ("deployment", "pr_merge_hours", "incident")
MAX_WINDOW_DAYS = 3650

Point = tuple[int, float]  # (at ms, value)


@dataclass(frozen=True)
class Summary:
    type: str
    points: int
    latest: float
    latest_at: int
    mean: float
    trend_per_week: float | None


@dataclass(frozen=True)
class Figure:
    value: float | None
    reason: str | None = None
    samples: int = 0


@dataclass(frozen=True)
class Velocity:
    window_start: int | None
    window_end: int | None
    commits_per_week: Summary | None
    code_churn: Summary | None
    contributors: Summary | None
    ci_success_rate: Summary | None
    ci_duration_s: Summary | None


@dataclass(frozen=True)
class Dora:
    window_start: int | None
    window_end: int | None
    deployment_days_per_week: Figure
    lead_time_hours: Figure
    change_failure_rate: Figure
    time_to_restore_hours: Figure


def trend_per_week(points: list[Point]) -> float | None:
    """Least-squares slope of value against time, per week."""
    if len(points) < 2:
        return None
    xs = [at / WEEK_MS for at, _ in points]
    ys = [v for _, v in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def summarise(mtype: str, points: list[Point]) -> Summary | None:
    if not points:
        return None
    return Summary(mtype, len(points), points[-1][1], points[-1][0], statistics.fmean(v for _, v in points),
                   trend_per_week(points))


async def _points(store: GraphStore, project_id: str, types: tuple[str, ...] | None) -> dict[str, list[Point]]:
    if not await store.read("existing_project_ids", {"ids": [project_id]}):
        raise NotFound(f"no project {project_id}", "projectId")
    rows = await store.read("project_signal_points", {"projectId": project_id, "types": list(types) if types else None})
    series: dict[str, list[Point]] = defaultdict(list)
    for r in rows:
        series[r["type"]].append((int(r["at"]), float(r["value"])))
    return series


def _window(series: dict[str, list[Point]], window_days: int) -> tuple[int, int] | None:
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(f"windowDays must be between 1 and {MAX_WINDOW_DAYS}", "windowDays")
    ends = [pts[-1][0] for pts in series.values() if pts]
    if not ends:
        return None
    end = max(ends)
    return end - window_days * DAY_MS, end


def _within(points: list[Point], window: tuple[int, int]) -> list[Point]:
    return [(at, v) for at, v in points if window[0] < at <= window[1]]


async def metrics_summary(store: GraphStore, project_id: str) -> list[Summary]:
    series = await _points(store, project_id, None)
    return [s for mtype in sorted(series) if (s := summarise(mtype, series[mtype])) is not None]


async def velocity(store: GraphStore, project_id: str, window_days: int) -> Velocity:
    series = await _points(store, project_id, VELOCITY_TYPES)
    window = _window(series, window_days)
    if window is None:
        return Velocity(None, None, None, None, None, None, None)
    pick = {t: summarise(t, _within(series.get(t, []), window)) for t in VELOCITY_TYPES}
    return Velocity(window[0], window[1], pick["commits_per_week"], pick["code_churn"], pick["contributors"],
                    pick["pipeline_success"], pick["pipeline_duration_s"])


def iso_week(at: int) -> int:
    """Monday 00:00 UTC of the ISO week holding `at` (epoch day 0 was a Thursday)."""
    day = at // DAY_MS
    return (day - (day + 3) % 7) * DAY_MS


def deployment_days_per_week(deploys: list[int], window: tuple[int, int]) -> Figure:
    """Median over the ISO weeks the window touches of the distinct deployment days in each."""
    if not deploys:
        return Figure(None, "no deployment points in the window (MLflow production aliases or recordMetric type deployment)")
    days: dict[int, set[int]] = defaultdict(set)
    for at in deploys:
        days[iso_week(at)].add(at // DAY_MS)
    weeks = range(iso_week(window[0] + 1), iso_week(window[1]) + 1, WEEK_MS)
    return Figure(statistics.median(float(len(days.get(w, ()))) for w in weeks), samples=len(deploys))


def lead_time(prs: list[Point], deploys: list[int]) -> Figure:
    if not prs:
        return Figure(None, "no pr_merge_hours points in the window (maestro ingest git)")
    if not deploys:
        return Figure(None, "no deployment points to reach (lead time runs from first commit to deployment)")
    leads = []
    for merged_at, hours in prs:
        i = bisect_left(deploys, merged_at)
        if i < len(deploys):
            leads.append(hours + (deploys[i] - merged_at) / 3_600_000)
    if not leads:
        return Figure(None, "no deployment followed a merged pull request in the window")
    return Figure(statistics.median(leads), samples=len(leads))


def change_failure_rate(deploys: list[int], incidents: list[Point], tracked: bool) -> Figure:
    if not deploys:
        return Figure(None, "no deployment points in the window")
    if not tracked:
        return Figure(None, "no incident points recorded for this project (recordMetric type incident)")
    starts = sorted(at for at, _ in incidents)
    failed = 0
    for i, at in enumerate(deploys):
        nxt = deploys[i + 1] if i + 1 < len(deploys) else None
        j = bisect_left(starts, at)
        if j < len(starts) and (nxt is None or starts[j] < nxt):
            failed += 1
    return Figure(failed / len(deploys), samples=len(deploys))


async def dora(store: GraphStore, project_id: str, window_days: int) -> Dora:
    series = await _points(store, project_id, DORA_TYPES)
    window = _window(series, window_days)
    missing = "no deployment, pull request or incident points for this project"
    if window is None:
        empty = Figure(None, missing)
        return Dora(None, None, empty, empty, empty, empty)
    deploys = sorted(at for at, _ in _within(series.get("deployment", []), window))
    prs = _within(series.get("pr_merge_hours", []), window)
    incidents = _within(series.get("incident", []), window)
    restore = (Figure(statistics.median(v for _, v in incidents), samples=len(incidents)) if incidents
               else Figure(None, "no incident points in the window (value = hours to restore)"))
    return Dora(window[0], window[1], deployment_days_per_week(deploys, window), lead_time(prs, deploys),
                change_failure_rate(deploys, incidents, bool(series.get("incident"))), restore)
