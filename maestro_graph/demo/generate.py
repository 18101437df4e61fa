"""Generate a deterministic synthetic "demo organisation" as JSONL interchange records.

`generate(seed)` returns the records of DESIGN.md's JSONL format: projects, artifacts and persons
first, then membership, usage, lineage and metric records, so an importer that streams the list
never meets an edge to a node it has not seen. `random.Random(seed)` draws the people and the
artifact library, and each project draws from its own `Random(f"{seed}:{project_id}")`: the same
arguments give identical output on any machine, and retuning one rule changes the outcomes it
touches without reshuffling the rest of the organisation.

The data carries planted signal that the learning code (impact scores, the GNN, the team-size
recommender) is expected to recover. The rules live as constants in `demo/signal.py`; the values
below are those constants.

Planted success rule
--------------------
For each project, with ``team`` = number of membership records and ``churn`` = the mean of the
project's ``churn_rate`` metric points (equal to the drawn churn level within rounding)::

    logit = base[problemClass]
          - 0.40 * (complexityScore - 5.5)
          - 0.70 * distance(team, sweet_spot[problemClass])
          - 6.0  * (churn - 0.25)
          + 2.4  if it USED any version of "feature-pipeline-transactions" and is classification
          + 2.4  if it USED any version of "text-encoder-pretrained" and is nlp
          - 2.2  if it USED "schema-customer-events" at version 2.0.0 (any class)
          + Normal(0, 0.5)                                  (unobserved factors)
    p = sigmoid(logit);  success ~ Bernoulli(p)

- base: classification 0.8, regression 1.0, nlp 0.4, vision 0.3, recommendation 0.6,
  timeseries 0.7, clustering 0.9, rl -0.3, other 0.6.
- sweet_spot (inclusive team sizes with no penalty): classification 3-5, regression 3-5,
  nlp 6-8, vision 6-8, recommendation 4-6, timeseries 3-5, clustering 2-4, rl 5-7, other 3-5;
  distance = people short of or beyond the range (team 10 on an nlp project: distance 2).
- Golden artifacts help only their class: the transactions pipeline is also used by ~18% of
  non-classification projects and the text encoder by ~18% of non-nlp projects, with no effect.
  Each golden artifact is used by ~50% of its own class; every version counts (the pipeline has
  1.0.0, 1.1.0, 2.0.0; the encoder 1.0.0, 1.1.0).
- The cursed artifact is one deprecated version (tagged "deprecated"): 1.0.0 and 2.1.0 of the same
  schema have no effect. ~45% of projects use the schema; 2.0.0 is the newest version between
  25% and 65% of the history window, so most of its users started then (a few pin it later).
- Churn levels are Beta(2, 5) x 0.9 clipped to [0.03, 0.85] (mean ~0.26), independent of everything else; so are
  complexity (triangular 1-10, mode 5.5) and team size (half uniform 1-12, half around the class's
  sweet spot), so each effect is visible in a plain comparison of success rates.
- usage.score (recorded impact) = 0.5 + 0.15 x the planted logit effect of that usage for that
  project + Normal(0, 0.12), clipped to [0.01, 0.99]: golden usages in their class score ~0.86,
  the cursed version ~0.17, everything else ~0.5.

Outcomes, durations, costs
--------------------------
- durationDays (planned) = (20 + 13 complexity) x (1 + 0.6/team + 0.025 team) x LogNormal(0, 0.2).
- Failures are cancelled with probability 0.35, after 30-80% of the planned duration; cancelled
  projects carry an outcome with success false, businessImpact 0. Include them when estimating
  effects: on completed projects alone the effects are present but attenuated.
- status follows the timeline: a project whose end (startedAt + durationDays) is before now_ms is
  completed or cancelled; one started in the last 45 days is planned with probability 0.6 (no
  usage, no metrics yet, but a team); the rest are active (no outcome, no completedAt). About 70%
  of projects are completed and ~20% cancelled, ~45% of finished projects succeed.
- costUsd = team x durationDays x 650 x Normal(1, 0.08) + complexity x 500 x LogNormal(0, 0.3).
- successScore (p as above) > 0.5 exactly for successes (0.55 + 0.3 p + noise; failures 0.10 + 0.3 p);
  modelPerformance = class base (0.58-0.82) + 0.06 on success / -0.04 on failure / -0.10 when
  cancelled + 0.10 (p - 0.5) + Normal(0, 0.035); businessImpact (USD thousands) is
  LogNormal(log(20 + 12 complexity), 0.5) on success, LogNormal(log 3, 0.8) on failure.

Metrics
-------
Weekly points from startedAt, at most 16 weeks per project: churn_rate, commits_per_week
(team x Normal(5, 1.5)), contributors (about the team size), and one of pr_merge_hours
(grows with churn), pipeline_success (falls with churn) or experiments_run (grows with
complexity). Only churn_rate enters the success rule.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

from maestro_graph.demo.artifacts import DAY_MS, ArtifactLibrary, ArtifactNode, build_library
from maestro_graph.demo.signal import (
    CANCEL_SHARE_OF_FAILURES,
    CLASS_SHARE,
    LATENT_SD,
    PLANTED_RULES,
    PLANTED_VERSIONS,
    PROBLEM_CLASSES,
    TEAM_SWEET_SPOT,
    artifact_logit,
    draw_outcome,
    planned_duration_days,
    sigmoid,
    success_logit,
    usage_score,
)
from maestro_graph.demo.vocab import (
    CLASS_PHRASE,
    DESCRIPTION_SHAPES,
    FIRST_NAMES,
    LAST_NAMES,
    NAME_QUALIFIERS,
    PROJECT_BRIEFS,
    ROLE_SHARE,
    ROLE_SKILLS,
)

WEEK_MS = 7 * DAY_MS
YEAR_MS = 365 * DAY_MS
MAX_METRIC_WEEKS = 16
PLANNED_WINDOW_DAYS = 45
PLANNED_SHARE = 0.6
MIN_ARTIFACTS = 16
MIN_PEOPLE = 12
# The demo organisation (README, "The demo organisation", says why it stays this size)
DEMO_PROJECTS = 420
DEMO_ARTIFACTS = 150
DEMO_PEOPLE = 80
CREATOR_ROLES = ("data_scientist", "ml_engineer", "data_engineer", "mlops_engineer", "researcher")
USAGE_CONTEXTS: dict[str, tuple[str, ...]] = {
    "feature_pipeline": ("feature_engineering", "training"),
    "model_template": ("training", "evaluation"),
    "schema": ("feature_engineering", "serving"),
    "notebook": ("exploration", "evaluation"),
    "dataset": ("training", "evaluation", "exploration"),
    "library": ("training", "evaluation", "serving"),
    "other": ("serving", "exploration", "training"),
}
EXTRA_METRICS = ("pr_merge_hours", "pipeline_success", "experiments_run")


@dataclass
class _ProjectDraft:
    """Everything one project contributes, kept together until the records are ordered."""

    project: dict[str, Any]
    members: list[dict[str, Any]]
    usage: list[dict[str, Any]]
    metrics: list[dict[str, Any]]


def generate(
    seed: int = 7,
    *,
    projects: int = DEMO_PROJECTS,
    artifacts: int = DEMO_ARTIFACTS,
    people: int = DEMO_PEOPLE,
    years: int = 3,
    now_ms: int = 1_764_000_000_000,
) -> list[dict[str, Any]]:
    """The demo organisation as JSONL records, nodes before the edges that reference them.

    Sizes are taken as given (the defaults are the demo's own); `demo_sizes` scales the library
    and the staff for a caller that asks for another project count."""
    if projects < 1 or years < 1:
        raise ValueError("projects and years must be at least 1")
    if artifacts < MIN_ARTIFACTS or people < MIN_PEOPLE:
        raise ValueError(f"need at least {MIN_ARTIFACTS} artifacts and {MIN_PEOPLE} people")
    rng = Random(seed)
    window_start = now_ms - years * YEAR_MS
    persons = _people(rng, people)
    creators = [p["id"] for p in persons if p["role"] in CREATOR_ROLES]
    library = build_library(rng, artifacts, creators, window_start, now_ms)
    taken: set[str] = set()
    width = max(4, len(str(projects)))
    # One Random per project: retuning a rule changes the outcomes it touches, not every draw
    # after it, so the organisation keeps its shape while the signal is tuned.
    ids = [f"p:{i + 1:0{width}d}" for i in range(projects)]
    drafts = [
        _project(Random(f"{seed}:{pid}"), pid, taken, persons, library, window_start, now_ms)
        for pid in ids
    ]
    return [
        *(d.project for d in drafts),
        *(node.record() for node in library.nodes),
        *persons,
        *(m for d in drafts for m in d.members),
        *(u for d in drafts for u in d.usage),
        *library.lineage,
        *(m for d in drafts for m in d.metrics),
    ]


def generate_demo(seed: int = 7, projects: int = DEMO_PROJECTS) -> list[dict[str, Any]]:
    """The demo at `projects` (`maestro demo --projects`): the default organisation at its own size,
    else one whose library and staff grow with it (`demo_sizes`)."""
    artifacts, people = demo_sizes(projects)
    return generate(seed, projects=projects, artifacts=artifacts, people=people)


def demo_sizes(projects: int, artifacts: int | None = None, people: int | None = None) -> tuple[int, int]:
    """Artifacts and people for a demo of `projects`, each unless given: the demo's own 150 and 80
    at its own size, else one artifact per 10 projects and one person per 5 (at least 150 and 80),
    the ratios the speed benches use, so a bigger demo keeps its staff and library per project.
    At 420 the ratio would give 84 people: the default stays the organisation every earlier
    figure was measured on."""
    if projects == DEMO_PROJECTS:
        scaled = (DEMO_ARTIFACTS, DEMO_PEOPLE)
    else:
        scaled = (max(DEMO_ARTIFACTS, projects // 10), max(DEMO_PEOPLE, projects // 5))
    return (artifacts if artifacts is not None else scaled[0], people if people is not None else scaled[1])


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> int:
    """One `json.dumps(record, sort_keys=True)` per line; sorted keys keep files diffable."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, sort_keys=True) + "\n")
            count += 1
    return count


def _weighted_sample(
    rng: Random, items: Sequence[Any], weights: Sequence[float], k: int
) -> list[Any]:
    """k distinct items, chosen with probability proportional to weight (Efraimidis-Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


def _people(rng: Random, count: int) -> list[dict[str, Any]]:
    roles = list(ROLE_SHARE)
    assigned = roles + rng.choices(roles, weights=list(ROLE_SHARE.values()), k=count - len(roles))
    rng.shuffle(assigned)
    pool = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    names = rng.sample(pool, min(count, len(pool)))
    names += [rng.choice(pool) for _ in range(count - len(names))]  # beyond 1600 people
    width = max(3, len(str(count)))
    return [
        {
            "kind": "person",
            "id": f"u:{i + 1:0{width}d}",
            "name": names[i],
            "role": role,
            "skills": rng.sample(ROLE_SKILLS[role], rng.randint(3, 5)),
        }
        for i, role in enumerate(assigned)
    ]


def _team_size(rng: Random, problem_class: str) -> int:
    """Half uniform over 1..12, half near the sweet spot: both sides of it stay populated."""
    if rng.random() < 0.5:
        return rng.randint(1, 12)
    low, high = TEAM_SWEET_SPOT[problem_class]
    return min(12, max(1, round(rng.gauss((low + high) / 2, 2.0))))


def _role_weight(role: str, problem_class: str) -> float:
    if role == "researcher" and problem_class in ("nlp", "vision", "rl"):
        return 3.0
    return {"data_scientist": 3.0, "ml_engineer": 3.0, "data_engineer": 2.0}.get(role, 1.2)


def _pick_version(rng: Random, versions: list[ArtifactNode], started: int) -> ArtifactNode | None:
    """Mostly the newest version that existed at kickoff, sometimes an older pinned one."""
    existing = [v for v in versions if v.created_ms <= started]
    if not existing:
        return None
    return existing[-1] if rng.random() < 0.75 else rng.choice(existing)


def _choose_artifacts(
    rng: Random, problem_class: str, complexity: int, started: int, library: ArtifactLibrary
) -> list[ArtifactNode]:
    """Planted artifacts by their documented shares, then 2-6 more by class affinity."""
    used: list[ArtifactNode] = []
    for rule in PLANTED_RULES:
        share = rule.use_target if rule.applies_to(problem_class) else rule.use_other
        if rng.random() < share:
            node = _pick_version(rng, library.by_name[rule.name], started)
            if node is not None:
                used.append(node)
    candidates = [
        versions for name, versions in library.by_name.items()
        if name not in PLANTED_VERSIONS and versions[0].created_ms <= started
    ]
    weights = [
        2.0 if not v[0].classes else 4.0 if problem_class in v[0].classes else 0.4
        for v in candidates
    ]
    k = rng.randint(2, 5) + (complexity >= 7)
    for versions in _weighted_sample(rng, candidates, weights, k):
        node = _pick_version(rng, versions, started)
        if node is not None:
            used.append(node)
    return used


def _churn_points(rng: Random, level: float, weeks: int) -> list[float]:
    """Weekly churn whose mean is exactly `level`, so the documented rule holds on the data."""
    z = [max(-2.5, min(2.5, rng.gauss(0.0, 1.0))) for _ in range(weeks)]
    z_mean = sum(z) / weeks
    return [round(level * (1.0 + 0.18 * (zi - z_mean)), 4) for zi in z]


def _metrics(
    rng: Random, project_id: str, started: int, life_days: int, team: int, complexity: int,
    churn: float,
) -> list[dict[str, Any]]:
    weeks = min(MAX_METRIC_WEEKS, life_days // 7 + 1)
    extra = rng.choice(EXTRA_METRICS)
    churn_points = _churn_points(rng, churn, weeks)
    out = []
    for w in range(weeks):
        values = {
            "churn_rate": churn_points[w],
            "commits_per_week": round(max(0.0, team * rng.gauss(5.0, 1.5)), 1),
            "contributors": float(max(1, team - (rng.random() < 0.3) - (rng.random() < 0.1))),
        }
        if extra == "pr_merge_hours":
            values[extra] = round(rng.lognormvariate(math.log(10.0 * (1 + 2 * churn)), 0.4), 1)
        elif extra == "pipeline_success":
            values[extra] = round(min(1.0, max(0.0, 0.95 - 0.5 * churn + rng.gauss(0.0, 0.04))), 3)
        else:
            values[extra] = float(max(0, round(rng.gauss(2 + 0.8 * complexity, 2.0))))
        at = started + w * WEEK_MS
        out += [{"kind": "metric", "project": project_id, "type": t, "value": v, "at": at}
                for t, v in values.items()]
    return out


def _name_and_description(
    rng: Random, problem_class: str, taken: set[str]
) -> tuple[str, str, list[str]]:
    title, domain, data, goal = rng.choice(PROJECT_BRIEFS[problem_class])
    qualifier = rng.choice(NAME_QUALIFIERS)
    base = f"{qualifier}-{title}" if qualifier else title
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    topic = title.replace("-", " ")
    description = rng.choice(DESCRIPTION_SHAPES).format(
        phrase=CLASS_PHRASE[problem_class], topic=topic, Topic=topic.capitalize(),
        domain=domain, data=data, goal=goal,
    )
    return name, description, [problem_class, domain, title]


def _project(
    rng: Random, project_id: str, taken: set[str], persons: list[dict[str, Any]],
    library: ArtifactLibrary, window_start: int, now_ms: int,
) -> _ProjectDraft:
    shares = [CLASS_SHARE[c] for c in PROBLEM_CLASSES]
    problem_class = rng.choices(PROBLEM_CLASSES, weights=shares)[0]
    name, description, tags = _name_and_description(rng, problem_class, taken)
    complexity = min(10, max(1, round(rng.triangular(1, 10, 5.5))))
    team_size = _team_size(rng, problem_class)
    started = rng.randint(window_start, now_ms - 1)
    churn = round(min(0.85, max(0.03, rng.betavariate(2.0, 5.0) * 0.9)), 4)
    used = _choose_artifacts(rng, problem_class, complexity, started, library)

    pairs = [(node.name, node.version) for node in used]
    p_success = sigmoid(
        success_logit(problem_class, complexity, team_size, churn, pairs)
        + rng.gauss(0.0, LATENT_SD)
    )
    success = rng.random() < p_success
    cancelled = rng.random() < CANCEL_SHARE_OF_FAILURES and not success
    days = planned_duration_days(complexity, team_size, rng)
    cancelled_after = rng.uniform(0.3, 0.8)
    if cancelled:
        days = max(3, round(days * cancelled_after))

    ended = started + days * DAY_MS
    age_days = (now_ms - started) // DAY_MS
    if ended <= now_ms:
        status = "cancelled" if cancelled else "completed"
    elif age_days < PLANNED_WINDOW_DAYS and rng.random() < PLANNED_SHARE:
        status = "planned"
    else:
        status = "active"

    project: dict[str, Any] = {
        "kind": "project", "id": project_id, "name": name, "description": description,
        "problemClass": problem_class, "complexityScore": complexity, "status": status,
        "tags": tags, "startedAt": started,
    }
    if status in ("completed", "cancelled"):
        project["completedAt"] = ended
        project["outcome"] = draw_outcome(
            problem_class, complexity, team_size, days, p_success, success, cancelled, rng
        )

    role_weights = [_role_weight(p["role"], problem_class) for p in persons]
    team = _weighted_sample(rng, persons, role_weights, team_size)
    members = [
        {"kind": "membership", "person": p["id"], "project": project_id, "role": p["role"],
         "since": started if status == "planned"
         else min(now_ms, ended, started + rng.randint(0, 14) * DAY_MS)}
        for p in team
    ]
    if status == "planned":
        return _ProjectDraft(project, members, [], [])

    life_ms = min(ended, now_ms) - started
    usage = [
        {"kind": "usage", "project": project_id, "artifact": node.id,
         "context": rng.choice(USAGE_CONTEXTS[node.artifact_type]),
         "score": usage_score(artifact_logit(problem_class, [(node.name, node.version)]), rng),
         "at": started + rng.randint(0, min(life_ms, 60 * DAY_MS))}
        for node in used
    ]
    metrics = _metrics(rng, project_id, started, life_ms // DAY_MS, team_size, complexity, churn)
    return _ProjectDraft(project, members, usage, metrics)
