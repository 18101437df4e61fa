"""Process signals from a git repository, read by parsing `git log --numstat`.

Why the git CLI and not pygit2: git's own log applies .mailmap, rename detection and binary
detection exactly as developers see them, it needs no extra wheel, and bench/ingest_speed.py
shows parsing its output is not the bottleneck (the store writes are).

Definitions (README "Process signals"):
- `commits_per_week`: non-merge commits by author date per ISO week; the point's `at` is the
  week's Monday 00:00 UTC; one point per week from the first to the last week with a commit,
  zero weeks included.
- `code_churn`: lines added + deleted per ISO week over non-merge commits, git's default rename
  detection (`-M`), binary files count 0.
- `contributors`: distinct authors (e-mail lower-cased after .mailmap) per ISO week.
- Each author becomes a Person `git:<email>` (name from their latest commit) and a team member
  (role `contributor`) of the project.
- `pr_merge_hours`: for each merge commit whose subject names a pull request ("Merge pull
  request #N", GitHub's merge button) the hours from the earliest author date among the commits
  the merge brought in (`first-parent..second-parent`) to the merge's committer date, at the
  merge's committer date. Squash and rebase merges keep no branch, so they give no point.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from maestro_graph import model as m
from maestro_graph.errors import InvalidInput
from maestro_graph.ingest.jsonl import ImportPlan
from maestro_graph.ingest.target import WEEK_MS, metric_row, week_start_ms

SOURCE = "git"
RECORD, FIELD = "\x1e", "\x1f"
LOG_FORMAT = f"--format={RECORD}%H{FIELD}%P{FIELD}%aE{FIELD}%aN{FIELD}%at{FIELD}%ct{FIELD}%s"
PULL_REQUEST = re.compile(r"^Merge pull request #(\d+)")


@dataclass
class Commit:
    sha: str
    parents: list[str]
    email: str
    name: str
    authored: int  # epoch s
    committed: int  # epoch s
    subject: str
    added: int = 0
    deleted: int = 0

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass
class GitSummary:
    """What one run read: the plan to write and a few counts for the command's report."""

    plan: ImportPlan
    commits: int = 0
    merges: int = 0
    authors: int = 0
    weeks: int = 0
    pull_requests: int = 0
    skipped_merges: list[str] = field(default_factory=list)


def _git(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, errors="replace")


def check_repository(path: Path) -> None:
    """One clear line for a missing path or a directory that is not a git work tree."""
    if not path.exists():
        raise InvalidInput(f"no such directory: {path}", "path")
    if not path.is_dir():
        raise InvalidInput(f"{path} is not a directory", "path")
    if _git(path, "rev-parse", "--git-dir").returncode != 0:
        raise InvalidInput(f"{path} is not a git repository", "path")


def since_week(since: str | None) -> str | None:
    """`--since` rounded down to its week's Monday, so a re-run recomputes whole weeks."""
    if since is None:
        return None
    try:
        day = date.fromisoformat(since[:10])
    except ValueError:
        raise InvalidInput("--since must be a date like 2026-01-31", "since") from None
    return (day - timedelta(days=day.weekday())).isoformat() + "T00:00:00Z"


def read_log(path: Path, since: str | None = None) -> Iterator[Commit]:
    """Stream commits (newest first) from `git log --numstat` on HEAD."""
    args = ["git", "-C", str(path), "log", "--use-mailmap", "--no-color", "-M", "--numstat", LOG_FORMAT]
    if since:
        args.append(f"--since={since}")
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace") as proc:
        assert proc.stdout is not None and proc.stderr is not None
        yield from parse_log(proc.stdout)
        error = proc.stderr.read()
    if proc.returncode != 0 and "does not have any commits" not in error:  # an empty repository reads as no commits
        raise InvalidInput(f"git log failed in {path}: {(error.strip().splitlines() or ['?'])[-1]}", "path")


def parse_log(lines: Iterator[str]) -> Iterator[Commit]:
    """Parse the output of `git log --numstat` with LOG_FORMAT."""
    current: Commit | None = None
    for line in lines:
        if line.startswith(RECORD):
            if current is not None:
                yield current
            sha, parents, email, name, authored, committed, subject = line[1:].rstrip("\n").split(FIELD, 6)
            current = Commit(sha, parents.split(), email.strip().lower(), name.strip(), int(authored),
                             int(committed), subject)
        elif current is not None and "\t" in line:
            added, deleted, _ = line.split("\t", 2)
            if added != "-":  # binary files show "-\t-" and count 0
                current.added += int(added)
                current.deleted += int(deleted)
    if current is not None:
        yield current


def merge_hours(path: Path, merge: Commit) -> float | None:
    """Hours from the branch's first authored commit to the merge, or None when not recoverable."""
    first_parent, branch = merge.parents[0], merge.parents[1]
    out = _git(path, "log", "--format=%at", f"{first_parent}..{branch}")
    times = [int(t) for t in out.stdout.split()] if out.returncode == 0 else []
    if not times:
        return None
    return max(0.0, (merge.committed - min(times)) / 3600)


def weekly(commits: list[Commit]) -> dict[str, dict[int, float]]:
    """commits_per_week, code_churn and contributors per ISO week, zero weeks filled in."""
    count: dict[int, float] = defaultdict(float)
    churn: dict[int, float] = defaultdict(float)
    people: dict[int, set[str]] = defaultdict(set)
    for c in commits:
        week = week_start_ms(c.authored)
        count[week] += 1
        churn[week] += c.added + c.deleted
        people[week].add(c.email)
    if not count:
        return {}
    weeks = range(min(count), max(count) + 1, WEEK_MS)
    # DST-free arithmetic: weeks are UTC, so stepping by 7 days lands on every Monday 00:00.
    return {
        "commits_per_week": {w: count.get(w, 0.0) for w in weeks},
        "code_churn": {w: churn.get(w, 0.0) for w in weeks},
        "contributors": {w: float(len(people.get(w, ()))) for w in weeks},
    }


def person_id(email: str) -> str:
    return m.derived_id("git", email)


def build_plan(path: Path, project_id: str, since: str | None = None,
               progress: Callable[[int], None] | None = None) -> GitSummary:
    """Read the repository and turn it into rows (nothing is written here)."""
    check_repository(path)
    plan = ImportPlan()
    summary = GitSummary(plan)
    commits: list[Commit] = []
    merges: list[Commit] = []
    names: dict[str, tuple[int, str]] = {}
    for commit in read_log(path, since_week(since)):
        summary.commits += 1
        if progress:
            progress(1)
        if commit.is_merge:
            merges.append(commit)
            continue
        commits.append(commit)
        if commit.email not in names or commit.authored > names[commit.email][0]:
            names[commit.email] = (commit.authored, commit.name or commit.email)
    summary.merges = len(merges)
    for mtype, points in weekly(commits).items():
        summary.weeks = len(points)
        for at, value in points.items():
            plan.add("import_metrics", metric_row(project_id, mtype, value, at, SOURCE))
    for email, (_, name) in names.items():
        pid = person_id(email)
        plan.add("import_persons", {"id": pid, "props": {"name": name[: m.MAX_NAME] or email}})
        plan.add("import_memberships", {"person": pid, "project": project_id, "props": {"role": "contributor"}})
    summary.authors = len(names)
    for merge in merges:
        number = PULL_REQUEST.match(merge.subject)
        if not number:
            continue
        hours = merge_hours(path, merge)
        if hours is None:
            summary.skipped_merges.append(merge.sha)
            continue
        summary.pull_requests += 1
        plan.add("import_metrics", metric_row(project_id, "pr_merge_hours", round(hours, 4), merge.committed * 1000,
                                              SOURCE, key=f"pr{number.group(1)}",
                                              metadata={"pullRequest": int(number.group(1)), "sha": merge.sha}))
    return summary
