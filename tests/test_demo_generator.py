"""The demo organisation: deterministic, well-formed, and carrying the signal its docstring plants.

Every planted effect is measured on the generated records alone (success rates of groups, and a
small logistic regression fitted from scratch), never read back from the generator's internals;
the rule constants in `demo/signal.py` only say which groups to compare.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from maestro_graph.demo import generate as generate_module
from maestro_graph.demo.generate import generate, generate_demo, write_jsonl
from maestro_graph.demo.signal import (
    CURSED_SCHEMA,
    GOLDEN_RULES,
    GOLDEN_TEXT_ENCODER,
    GOLDEN_TRANSACTIONS,
    PROBLEM_CLASSES,
    team_distance,
)

NOW_MS = 1_764_000_000_000
DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
ARTIFACT_TYPES = {
    "feature_pipeline", "model_template", "schema", "notebook", "dataset", "library", "other",
}
STATUSES = {"planned", "active", "completed", "cancelled"}
OUTCOME_KEYS = {
    "success", "successScore", "modelPerformance", "businessImpact", "durationDays", "costUsd",
}
KIND_ORDER = ["project", "artifact", "person", "membership", "usage", "lineage", "metric"]
# The organisation these statistical checks were written for (the demo default, pinned by
# test_the_default_demo_is_the_420_project_organisation): explicit, so their thresholds keep
# their meaning.
ORG = {"projects": 420, "artifacts": 150, "people": 80}


class Org:
    """The records of one generated organisation, indexed the way the checks need them."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records
        self.by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            self.by_kind[record["kind"]].append(record)
        self.projects = {p["id"]: p for p in self.by_kind["project"]}
        self.artifacts = {a["id"]: a for a in self.by_kind["artifact"]}
        self.persons = {p["id"]: p for p in self.by_kind["person"]}
        self.team_size = Counter(m["project"] for m in self.by_kind["membership"])
        self.used: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for u in self.by_kind["usage"]:
            artifact = self.artifacts[u["artifact"]]
            self.used[u["project"]].add((artifact["name"], artifact["version"]))
        churn: dict[str, list[float]] = defaultdict(list)
        for m in self.by_kind["metric"]:
            if m["type"] == "churn_rate":
                churn[m["project"]].append(m["value"])
        self.mean_churn = {pid: statistics.fmean(values) for pid, values in churn.items()}
        self.finished = [p for p in self.projects.values() if "outcome" in p]

    def uses(self, project: dict[str, Any], name: str, version: str | None = None) -> bool:
        return any(n == name and version in (None, v) for n, v in self.used[project["id"]])


@lru_cache(maxsize=4)
def org(seed: int = 7) -> Org:
    return Org(generate(seed, **ORG))


def success_rate(projects: list[dict[str, Any]]) -> float:
    assert len(projects) >= 15, f"group too small to compare: {len(projects)}"
    return sum(p["outcome"]["success"] for p in projects) / len(projects)


def rate_gap(with_it: list[dict[str, Any]], without_it: list[dict[str, Any]]) -> float:
    return success_rate(with_it) - success_rate(without_it)


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_gives_identical_output() -> None:
    first = [json.dumps(r, sort_keys=True) for r in generate(7, **ORG)]
    second = [json.dumps(r, sort_keys=True) for r in generate(7, **ORG)]
    assert first == second


def test_different_seed_gives_different_output() -> None:
    assert generate(7, **ORG) != generate(8, **ORG)
    names_7 = {p["name"] for p in org(7).by_kind["project"]}
    names_8 = {p["name"] for p in org(8).by_kind["project"]}
    assert names_7 != names_8


# --- shape and counts ----------------------------------------------------------------------


def test_nodes_come_before_edges_in_kind_order() -> None:
    kinds = [r["kind"] for r in org().records]
    positions = [KIND_ORDER.index(k) for k in kinds]
    assert positions == sorted(positions)
    assert set(kinds) == set(KIND_ORDER)


def test_projects_cover_three_years_classes_and_statuses() -> None:
    projects = org().by_kind["project"]
    assert len(projects) >= 400
    assert len({p["id"] for p in projects}) == len(projects)
    assert len({p["name"] for p in projects}) == len(projects)
    assert {p["problemClass"] for p in projects} == set(PROBLEM_CLASSES)
    assert {p["status"] for p in projects} == STATUSES
    completed = sum(p["status"] == "completed" for p in projects) / len(projects)
    assert 0.6 <= completed <= 0.8
    window = 3 * 365 * DAY_MS
    per_year = Counter((NOW_MS - p["startedAt"]) * 3 // window for p in projects)
    assert set(per_year) == {0, 1, 2}
    assert min(per_year.values()) >= len(projects) * 0.25
    assert all(1 <= p["complexityScore"] <= 10 for p in projects)
    assert len({p["complexityScore"] for p in projects}) >= 8


def test_outcomes_belong_to_finished_projects_only() -> None:
    for p in org().projects.values():
        assert p["description"].count(".") >= 1 and len(p["description"]) > 60
        if p["status"] in ("completed", "cancelled"):
            assert set(p["outcome"]) == OUTCOME_KEYS
            assert p["startedAt"] < p["completedAt"] <= NOW_MS
            assert 0.0 <= p["outcome"]["successScore"] <= 1.0
            assert 0.0 <= p["outcome"]["modelPerformance"] <= 1.0
            assert p["outcome"]["businessImpact"] >= 0.0 and p["outcome"]["costUsd"] > 0.0
            assert (p["outcome"]["successScore"] > 0.5) == p["outcome"]["success"]
        else:
            assert "outcome" not in p and "completedAt" not in p
        if p["status"] == "cancelled":
            assert p["outcome"]["success"] is False


def test_artifacts_cover_every_type_with_versions() -> None:
    artifacts = org().by_kind["artifact"]
    assert len(artifacts) >= 150
    assert {a["artifactType"] for a in artifacts} == ARTIFACT_TYPES
    versions = Counter(a["name"] for a in artifacts)
    assert 90 <= len(versions) <= 110
    assert any(n == 2 for n in versions.values()) and any(n == 3 for n in versions.values())
    assert len({(a["name"], a["version"]) for a in artifacts}) == len(artifacts)
    for a in artifacts:
        assert a["storagePath"].startswith("s3://maestro-artifacts/")
        assert a["description"] and a["tags"]


def test_people_have_several_roles_and_valid_creators() -> None:
    o = org()
    assert len(o.persons) >= 80
    assert len({p["role"] for p in o.persons.values()}) >= 6
    assert all(len(p["skills"]) >= 3 and " " in p["name"] for p in o.persons.values())
    assert all(a["createdBy"] in o.persons for a in o.artifacts.values())


def test_every_edge_references_an_existing_node() -> None:
    o = org()
    for m in o.by_kind["membership"]:
        assert m["person"] in o.persons and m["project"] in o.projects
        assert m["role"] == o.persons[m["person"]]["role"]
    for u in o.by_kind["usage"]:
        assert u["project"] in o.projects and u["artifact"] in o.artifacts
        assert 0.0 <= u["score"] <= 1.0
        assert o.projects[u["project"]]["startedAt"] <= u["at"] <= NOW_MS
    for edge in o.by_kind["lineage"]:
        assert edge["from"] in o.artifacts and edge["to"] in o.artifacts
    for m in o.by_kind["metric"]:
        assert m["project"] in o.projects and "id" not in m


def test_teams_are_one_to_twelve_people() -> None:
    o = org()
    memberships = Counter((m["person"], m["project"]) for m in o.by_kind["membership"])
    assert max(memberships.values()) == 1
    assert set(o.team_size) == set(o.projects)
    assert min(o.team_size.values()) == 1 and max(o.team_size.values()) == 12


def semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_new_versions_chain_artifacts_of_one_name() -> None:
    o = org()
    edges = [e for e in o.by_kind["lineage"] if e["type"] == "NEW_VERSION_OF"]
    assert edges
    for e in edges:
        newer, older = o.artifacts[e["from"]], o.artifacts[e["to"]]
        assert newer["name"] == older["name"] and newer["version"] != older["version"]
        assert semver(newer["version"]) > semver(older["version"])
    outgoing = Counter(e["from"] for e in edges)
    incoming = Counter(e["to"] for e in edges)
    assert max(outgoing.values()) == 1 and max(incoming.values()) == 1  # chains, not trees
    versions = Counter(a["name"] for a in o.artifacts.values())
    per_name = Counter(o.artifacts[e["from"]]["name"] for e in edges)
    assert all(per_name[name] == n - 1 for name, n in versions.items())


def test_derived_from_lineage_exists_without_cycles() -> None:
    o = org()
    lineage = o.by_kind["lineage"]
    derived = [e for e in lineage if e["type"] == "DERIVED_FROM"]
    assert len(derived) >= 10
    assert all(o.artifacts[e["from"]]["name"] != o.artifacts[e["to"]]["name"] for e in derived)
    # Kahn's algorithm over both lineage types: every node must be removable.
    children: dict[str, list[str]] = defaultdict(list)
    indegree = Counter({a: 0 for a in o.artifacts})
    for e in lineage:
        children[e["from"]].append(e["to"])
        indegree[e["to"]] += 1
    ready = [a for a, d in indegree.items() if d == 0]
    removed = 0
    while ready:
        node = ready.pop()
        removed += 1
        for child in children[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    assert removed == len(o.artifacts)


def test_weekly_metrics_cover_started_projects() -> None:
    o = org()
    series: dict[tuple[str, str], list[int]] = defaultdict(list)
    for m in o.by_kind["metric"]:
        series[(m["project"], m["type"])].append(m["at"])
        assert isinstance(m["value"], float)
    assert {t for _, t in series} >= {"commits_per_week", "pr_merge_hours", "contributors",
                                      "churn_rate", "pipeline_success", "experiments_run"}
    started = [p for p in o.projects.values() if p["status"] != "planned"]
    assert all((p["id"], "churn_rate") in series for p in started)
    for (pid, _), times in series.items():
        assert 1 <= len(times) <= 16
        assert times[0] == o.projects[pid]["startedAt"] and times[-1] <= NOW_MS
        assert all(b - a == WEEK_MS for a, b in zip(times, times[1:]))
    assert statistics.fmean(len(t) for t in series.values()) >= 8


# --- planted signal: success-rate comparisons ---------------------------------------------


def test_golden_artifacts_raise_success_only_for_their_class() -> None:
    o = org()
    for rule in GOLDEN_RULES:
        target = [p for p in o.finished if rule.applies_to(p["problemClass"])]
        others = [p for p in o.finished if not rule.applies_to(p["problemClass"])]
        target_gap = rate_gap([p for p in target if o.uses(p, rule.name)],
                              [p for p in target if not o.uses(p, rule.name)])
        other_gap = rate_gap([p for p in others if o.uses(p, rule.name)],
                             [p for p in others if not o.uses(p, rule.name)])
        assert target_gap >= 0.15, (rule.name, target_gap)
        # other classes differ by sampling noise only (~0.07 standard error at seed 7)
        assert abs(other_gap) < 0.2 and target_gap - other_gap >= 0.15, (rule.name, other_gap)


def test_cursed_version_lowers_success_but_its_siblings_do_not() -> None:
    o = org()
    name, bad = CURSED_SCHEMA.name, CURSED_SCHEMA.version
    cursed = [p for p in o.finished if o.uses(p, name, bad)]
    siblings = [p for p in o.finished if o.uses(p, name) and not o.uses(p, name, bad)]
    no_schema = [p for p in o.finished if not o.uses(p, name)]
    assert rate_gap(siblings, cursed) >= 0.15
    assert rate_gap(no_schema, cursed) >= 0.15
    assert abs(rate_gap(siblings, no_schema)) < 0.1
    bad_ids = {a["id"] for a in o.artifacts.values() if (a["name"], a["version"]) == (name, bad)}
    assert all("deprecated" in o.artifacts[i]["tags"] for i in bad_ids)


def test_complexity_lowers_success() -> None:
    finished = org().finished
    simple = [p for p in finished if p["complexityScore"] <= 4]
    hard = [p for p in finished if p["complexityScore"] >= 7]
    assert rate_gap(simple, hard) >= 0.15


def test_team_size_sweet_spot_depends_on_class() -> None:
    o = org()
    inside = [p for p in o.finished if team_distance(p["problemClass"], o.team_size[p["id"]]) == 0]
    far = [p for p in o.finished if team_distance(p["problemClass"], o.team_size[p["id"]]) >= 3]
    assert rate_gap(inside, far) >= 0.15
    big = [p for p in o.finished if p["problemClass"] in ("nlp", "vision")]
    small = [p for p in o.finished if p["problemClass"] in ("classification", "regression")]

    def sized(ps: list[dict[str, Any]], low: int, high: int) -> list[dict[str, Any]]:
        return [p for p in ps if low <= o.team_size[p["id"]] <= high]

    big_gap = rate_gap(sized(big, 6, 8), sized(big, 3, 5))  # 6-8 is the sweet spot for nlp/vision
    small_gap = rate_gap(sized(small, 3, 5), sized(small, 6, 8))  # and 3-5 for tabular work
    assert big_gap > 0.05 and small_gap > 0.05 and big_gap + small_gap >= 0.2


def test_high_churn_lowers_success() -> None:
    o = org()
    by_churn = sorted(o.finished, key=lambda p: o.mean_churn[p["id"]])
    third = len(by_churn) // 3
    assert rate_gap(by_churn[:third], by_churn[-third:]) >= 0.15


def test_cost_duration_and_performance_follow_the_documented_rules() -> None:
    o = org()
    done = [p for p in o.finished if p["status"] == "completed"]
    ratios = [p["outcome"]["costUsd"] / (o.team_size[p["id"]] * p["outcome"]["durationDays"] * 650)
              for p in done]
    assert 0.95 <= statistics.median(ratios) <= 1.25
    days = [p["outcome"]["durationDays"] for p in done]
    assert statistics.correlation([p["complexityScore"] for p in done], days) >= 0.4
    won = [p["outcome"]["modelPerformance"] for p in done if p["outcome"]["success"]]
    lost = [p["outcome"]["modelPerformance"] for p in done if not p["outcome"]["success"]]
    assert statistics.fmean(won) - statistics.fmean(lost) >= 0.05
    impact = {s: statistics.median(p["outcome"]["businessImpact"] for p in done
                                   if p["outcome"]["success"] is s) for s in (True, False)}
    assert impact[True] >= 5 * impact[False]


def test_usage_scores_reflect_planted_effects() -> None:
    o = org()
    groups: dict[str, list[float]] = defaultdict(list)
    for u in o.by_kind["usage"]:
        artifact, project = o.artifacts[u["artifact"]], o.projects[u["project"]]
        golden = any(r.name == artifact["name"] and r.applies_to(project["problemClass"])
                     for r in GOLDEN_RULES)
        cursed = (artifact["name"], artifact["version"]) == (
            CURSED_SCHEMA.name, CURSED_SCHEMA.version
        )
        groups["golden" if golden else "cursed" if cursed else "plain"].append(u["score"])
    plain = statistics.fmean(groups["plain"])
    assert statistics.fmean(groups["golden"]) - plain >= 0.15
    assert plain - statistics.fmean(groups["cursed"]) >= 0.15


# --- planted signal: a simple model recovers it -------------------------------------------


def fit_logistic(rows: list[list[float]], labels: list[int], ridge: float = 1e-3) -> list[float]:
    """Logistic regression by Newton-Raphson (a few iterations suffice on a few hundred rows)."""
    k = len(rows[0])
    beta = [0.0] * k
    for _ in range(25):
        grad = [-ridge * b for b in beta]
        hess = [[ridge * (i == j) for j in range(k)] for i in range(k)]
        for x, y in zip(rows, labels):
            p = 1.0 / (1.0 + math.exp(-sum(b * xi for b, xi in zip(beta, x))))
            w = p * (1.0 - p)
            for i in range(k):
                grad[i] += (y - p) * x[i]
                for j in range(k):
                    hess[i][j] += w * x[i] * x[j]
        step = solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return beta


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a is small and positive definite)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


FEATURES = ["complexity", "team_distance", "churn", "tx_in_class", "tx_elsewhere",
            "encoder_in_class", "encoder_elsewhere", "cursed"]


def planted_coefficients(o: Org) -> dict[str, float]:
    rows, labels = [], []
    for p in o.finished:
        cls = p["problemClass"]
        tx, enc = o.uses(p, GOLDEN_TRANSACTIONS.name), o.uses(p, GOLDEN_TEXT_ENCODER.name)
        features = [
            p["complexityScore"] - 5.5,
            float(team_distance(cls, o.team_size[p["id"]])),
            o.mean_churn[p["id"]] - 0.25,
            float(tx and GOLDEN_TRANSACTIONS.applies_to(cls)),
            float(tx and not GOLDEN_TRANSACTIONS.applies_to(cls)),
            float(enc and GOLDEN_TEXT_ENCODER.applies_to(cls)),
            float(enc and not GOLDEN_TEXT_ENCODER.applies_to(cls)),
            float(o.uses(p, CURSED_SCHEMA.name, CURSED_SCHEMA.version)),
        ]
        rows.append([float(cls == c) for c in PROBLEM_CLASSES] + features)
        labels.append(int(p["outcome"]["success"]))
    beta = fit_logistic(rows, labels)
    return dict(zip(FEATURES, beta[len(PROBLEM_CLASSES):]))


def test_logistic_regression_recovers_each_planted_rule() -> None:
    coef = planted_coefficients(org())
    assert -0.9 <= coef["complexity"] <= -0.2, coef
    assert -1.4 <= coef["team_distance"] <= -0.35, coef
    assert coef["churn"] <= -3.0, coef
    for golden in ("tx", "encoder"):
        assert coef[f"{golden}_in_class"] >= 1.2, coef
        assert abs(coef[f"{golden}_elsewhere"]) <= 0.8, coef
        assert coef[f"{golden}_in_class"] - coef[f"{golden}_elsewhere"] >= 1.5, coef
    assert coef["cursed"] <= -1.2, coef


# --- documentation and file output ----------------------------------------------------------


def test_module_docstring_states_each_rule() -> None:
    doc = generate_module.__doc__ or ""
    for rule in (*GOLDEN_RULES, CURSED_SCHEMA):
        assert rule.name in doc and f"{abs(rule.logit):.1f}" in doc
    assert CURSED_SCHEMA.version in doc


def test_the_default_demo_is_the_420_project_organisation() -> None:
    """Every published figure was measured on it: no argument, nor `maestro demo` without
    --projects (or with --projects 420), may drift to another organisation."""
    default = [json.dumps(r, sort_keys=True) for r in generate()]
    assert default == [json.dumps(r, sort_keys=True) for r in generate(7, projects=420, artifacts=150, people=80)]
    assert default == [json.dumps(r, sort_keys=True) for r in generate_demo(7, 420)]
    assert generate_demo() == generate()
    assert (len(org(7).by_kind["project"]), len(org(7).artifacts), len(org(7).persons)) == (420, 150, 80)


def test_another_demo_size_grows_its_people_and_artifacts() -> None:
    """`maestro demo --projects N` keeps people per project and projects per artifact; generate()
    itself takes sizes as given."""
    small, big = Org(generate_demo(3, 100)), Org(generate_demo(3, 1500))
    assert (len(small.persons), len(small.artifacts)) == (80, 150)  # the floors
    assert (len(big.persons), len(big.artifacts)) == (300, 150)
    assert len(big.by_kind["project"]) == 1500
    window = 3 * 365 * DAY_MS
    assert all(NOW_MS - window <= p["startedAt"] <= NOW_MS for p in big.by_kind["project"])
    assert len(Org(generate(3, projects=1500)).persons) == 80


def test_write_jsonl_round_trips(tmp_path: Path) -> None:
    records = generate(3, projects=30, artifacts=40, people=20)
    path = tmp_path / "demo.jsonl"
    assert write_jsonl(records, path) == len(records)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records
    assert lines[0] == json.dumps(records[0], sort_keys=True)
