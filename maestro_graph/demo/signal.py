"""The planted rules of the demo organisation, as named constants and pure functions.

The generator draws every outcome through these functions and the tests define their groups from
these constants, so the documentation (the docstring of `generate.py`), the data and the checks
cannot drift apart silently. The maths:

    logit = BASE_LOGIT[class]
          + COMPLEXITY_SLOPE * (complexity - COMPLEXITY_CENTER)
          + TEAM_DISTANCE_SLOPE * team_distance(class, team_size)
          + CHURN_SLOPE * (mean_churn - CHURN_CENTER)
          + sum of the ArtifactRule.logit of every planted rule the project's usage matches
          + Normal(0, LATENT_SD)                       # unobserved factors
    success ~ Bernoulli(sigmoid(logit))
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from random import Random
from typing import Final

PROBLEM_CLASSES: Final = (
    "classification", "regression", "nlp", "vision", "recommendation",
    "timeseries", "clustering", "rl", "other",
)
# Share of projects per class: the classes that carry a golden rule get enough projects for the
# effect to be measurable on one seed.
CLASS_SHARE: Final[dict[str, float]] = {
    "classification": 0.22, "regression": 0.11, "nlp": 0.17, "vision": 0.10,
    "recommendation": 0.09, "timeseries": 0.10, "clustering": 0.07, "rl": 0.05, "other": 0.09,
}
BASE_LOGIT: Final[dict[str, float]] = {
    "classification": 0.8, "regression": 1.0, "nlp": 0.4, "vision": 0.3,
    "recommendation": 0.6, "timeseries": 0.7, "clustering": 0.9, "rl": -0.3, "other": 0.6,
}
COMPLEXITY_CENTER: Final = 5.5
COMPLEXITY_SLOPE: Final = -0.40
# Inclusive team-size range with no penalty, per class.
TEAM_SWEET_SPOT: Final[dict[str, tuple[int, int]]] = {
    "classification": (3, 5), "regression": (3, 5), "nlp": (6, 8), "vision": (6, 8),
    "recommendation": (4, 6), "timeseries": (3, 5), "clustering": (2, 4), "rl": (5, 7),
    "other": (3, 5),
}
TEAM_DISTANCE_SLOPE: Final = -0.70
CHURN_CENTER: Final = 0.25
CHURN_SLOPE: Final = -6.0
LATENT_SD: Final = 0.5


@dataclass(frozen=True)
class ArtifactRule:
    """Using `name` (at `version`, or any version when None) shifts the success logit.

    The effect applies only to projects of `classes` (every class when empty). `use_target` and
    `use_other` are how often projects of the affected and the other classes use the artifact,
    so both groups are large enough to compare.
    """

    name: str
    logit: float
    classes: tuple[str, ...] = ()
    version: str | None = None
    use_target: float = 0.5
    use_other: float = 0.18

    def applies_to(self, problem_class: str) -> bool:
        return not self.classes or problem_class in self.classes

    def matches(self, problem_class: str, used: Iterable[tuple[str, str]]) -> bool:
        """True when a project of this class used a matching (name, version)."""
        if not self.applies_to(problem_class):
            return False
        return any(n == self.name and self.version in (None, v) for n, v in used)


GOLDEN_TRANSACTIONS: Final = ArtifactRule("feature-pipeline-transactions", 2.4, ("classification",))
GOLDEN_TEXT_ENCODER: Final = ArtifactRule("text-encoder-pretrained", 2.4, ("nlp",))
CURSED_SCHEMA: Final = ArtifactRule(
    "schema-customer-events", -2.2, (), "2.0.0", use_target=0.45, use_other=0.45
)
GOLDEN_RULES: Final = (GOLDEN_TRANSACTIONS, GOLDEN_TEXT_ENCODER)
PLANTED_RULES: Final = (*GOLDEN_RULES, CURSED_SCHEMA)

# Versions of the planted artifacts and when each appears, as a fraction of the history window
# (negative = before the first project). The cursed version is the only one in use between 0.25
# and 0.65 of the window, and lingers (pinned) afterwards.
PLANTED_VERSIONS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "feature-pipeline-transactions": (("1.0.0", -0.30), ("1.1.0", 0.20), ("2.0.0", 0.55)),
    "text-encoder-pretrained": (("1.0.0", -0.20), ("1.1.0", 0.45)),
    "schema-customer-events": (("1.0.0", -0.40), ("2.0.0", 0.25), ("2.1.0", 0.65)),
}

DAILY_RATE_USD: Final = 650.0
COMPUTE_USD_PER_COMPLEXITY: Final = 500.0
CANCEL_SHARE_OF_FAILURES: Final = 0.35
MODEL_PERF_BASE: Final[dict[str, float]] = {
    "classification": 0.80, "regression": 0.72, "nlp": 0.76, "vision": 0.82,
    "recommendation": 0.66, "timeseries": 0.70, "clustering": 0.62, "rl": 0.58, "other": 0.65,
}


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def team_distance(problem_class: str, team_size: int) -> int:
    """People short of, or beyond, the class's sweet spot (0 inside it)."""
    low, high = TEAM_SWEET_SPOT[problem_class]
    return max(low - team_size, 0, team_size - high)


def artifact_logit(problem_class: str, used: Iterable[tuple[str, str]]) -> float:
    """Sum of the planted artifact effects; each rule counts once however often it matches."""
    pairs = list(used)
    return sum(rule.logit for rule in PLANTED_RULES if rule.matches(problem_class, pairs))


def success_logit(
    problem_class: str,
    complexity: int,
    team_size: int,
    mean_churn: float,
    used: Iterable[tuple[str, str]],
) -> float:
    """The observable part of the success logit (the generator adds Normal(0, LATENT_SD))."""
    return (
        BASE_LOGIT[problem_class]
        + COMPLEXITY_SLOPE * (complexity - COMPLEXITY_CENTER)
        + TEAM_DISTANCE_SLOPE * team_distance(problem_class, team_size)
        + CHURN_SLOPE * (mean_churn - CHURN_CENTER)
        + artifact_logit(problem_class, used)
    )


def planned_duration_days(complexity: int, team_size: int, rng: Random) -> int:
    """Days to finish: linear in complexity, U-shaped in team size (few hands, then overhead)."""
    team_factor = 1.0 + 0.6 / team_size + 0.025 * team_size
    return max(7, round((20 + 13 * complexity) * team_factor * rng.lognormvariate(0.0, 0.2)))


def cost_usd(complexity: int, team_size: int, days: int, rng: Random) -> float:
    """People cost (team x days x daily rate, +-8%) plus compute that grows with complexity."""
    people = team_size * days * DAILY_RATE_USD * max(0.7, rng.gauss(1.0, 0.08))
    compute = complexity * COMPUTE_USD_PER_COMPLEXITY * rng.lognormvariate(0.0, 0.3)
    return round(people + compute, 2)


def usage_score(effect: float, rng: Random) -> float:
    """Recorded impact of one usage: 0.5 + 0.15 x the planted logit effect, plus Normal(0, 0.12)."""
    return round(min(0.99, max(0.01, 0.5 + 0.15 * effect + rng.gauss(0.0, 0.12))), 3)


def _clip(x: float, low: float, high: float) -> float:
    return min(high, max(low, x))


def draw_outcome(
    problem_class: str,
    complexity: int,
    team_size: int,
    days: int,
    p_success: float,
    success: bool,
    cancelled: bool,
    rng: Random,
) -> dict[str, object]:
    """The outcome record of a finished project, given its drawn success.

    successScore sits above 0.5 exactly for successes (0.55 + 0.3 p + noise) and below for
    failures; modelPerformance is the class base +0.06 on success (-0.04 on failure, -0.10 when
    cancelled) + 0.10 (p - 0.5) + Normal(0, 0.035); businessImpact (USD thousands) is
    lognormal around 20 + 12 complexity on success, around 3 on failure, 0 when cancelled.
    """
    if cancelled:
        score = _clip(0.15 * p_success + rng.gauss(0.05, 0.03), 0.0, 0.35)
        shift, impact = -0.10, 0.0
    elif success:
        score = _clip(0.55 + 0.3 * p_success + rng.gauss(0.0, 0.07), 0.51, 1.0)
        shift, impact = 0.06, rng.lognormvariate(math.log(20 + 12 * complexity), 0.5)
    else:
        score = _clip(0.10 + 0.3 * p_success + rng.gauss(0.0, 0.07), 0.0, 0.49)
        shift, impact = -0.04, rng.lognormvariate(math.log(3.0), 0.8)
    perf = MODEL_PERF_BASE[problem_class] + shift + 0.10 * (p_success - 0.5)
    perf += rng.gauss(0.0, 0.035)
    return {
        "success": success,
        "successScore": round(score, 4),
        "modelPerformance": round(_clip(perf, 0.05, 0.99), 4),
        "businessImpact": round(impact, 2),
        "durationDays": days,
        "costUsd": cost_usd(complexity, team_size, days, rng),
    }
