"""Git ingest speed: the importer's commits/s against raw `git log --numstat` parsing (and pygit2).

Same repository, full history, same run. Sides:
- `raw_git_log`: `git log --use-mailmap -M --numstat` streamed and parsed into commits (the
  importer's reader alone): the floor the importer is built on;
- `pygit2` (when installed): a revwalk with a rename-detecting diff per commit and the mailmap,
  the same per-commit facts through libgit2;
- `importer`: `ingest.git.build_plan` (reading, weekly aggregation, PR merge times) plus the
  batched writes into a fresh graph of an embedded FalkorDB.
The repository is this checkout unless `--repo` names another; `--synthetic N` builds one of N
commits with `git fast-import` (a few authors, text and binary files, renames, merges) first.
Prints one JSON object; no thresholds.

    python bench/ingest_speed.py [--repo PATH] [--synthetic 3000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import run, version_or_none  # bench/ is on sys.path
from maestro_graph.ingest.git import build_plan, read_log
from maestro_graph.ingest.target import write
from maestro_graph.store.embedded import EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore

ROOT = Path(__file__).resolve().parents[1]


def synthetic_repo(path: Path, commits: int) -> Path:
    """N commits by 7 authors over ~2 years, every 10th a merge of a one-commit branch."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    lines: list[str] = []
    t0 = 1_650_000_000
    mark = 0
    main_tip = None

    def blob(text: str) -> str:
        data = text.encode()
        return f"data {len(data)}\n{text}"

    for i in range(commits):
        mark += 1
        who = f"dev{i % 7} <dev{i % 7}@example.com>"
        when = t0 + i * 20_000
        msg = f"change {i}"
        lines.append(f"commit refs/heads/main\nmark :{mark}\nauthor {who} {when} +0000\ncommitter {who} {when} +0000")
        lines.append(blob(msg))
        if main_tip:
            lines.append(f"from :{main_tip}")
        if i % 10 == 9 and main_tip:
            # a merge of a side branch commit made from the previous tip
            side = mark
            lines[-3:] = []  # rebuild: side commit first
            lines.append(f"commit refs/heads/side\nmark :{side}\nauthor {who} {when - 3600} +0000\n"
                         f"committer {who} {when - 3600} +0000")
            lines.append(blob(f"side {i}"))
            lines.append(f"from :{main_tip}")
            lines.append(f"M 100644 inline side/f{i}.txt\n" + blob("".join(f"s{j}\n" for j in range(i % 13 + 1))))
            mark += 1
            lines.append(f"commit refs/heads/main\nmark :{mark}\nauthor {who} {when} +0000\ncommitter {who} {when} +0000")
            lines.append(blob(f"Merge pull request #{i} from team/side"))
            lines.append(f"from :{main_tip}\nmerge :{side}")
        else:
            lines.append(f"M 100644 inline src/m{i % 50}.py\n" + blob("".join(f"line {j} {i}\n" for j in range(i % 40 + 1))))
            if i % 97 == 0:
                lines.append(f"M 100644 inline assets/b{i}.bin\n" + blob("\x00\x01binary" * 10))
        main_tip = mark
        lines.append("")
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input="\n".join(lines).encode(), check=True)
    subprocess.run(["git", "-C", str(path), "reset", "-q", "--hard", "main"], check=True)
    return path


def raw_git_log(repo: Path) -> int:
    return sum(1 for _ in read_log(repo))


def pygit2_walk(repo_path: Path) -> int | None:
    try:
        import pygit2
    except ImportError:
        return None
    repo = pygit2.Repository(str(repo_path))
    mailmap = pygit2.Mailmap.from_repository(repo)
    n = 0
    for commit in repo.walk(repo.head.target, pygit2.enums.SortMode.TIME):
        n += 1
        mailmap.resolve_signature(commit.author)
        if len(commit.parents) == 1:
            diff = repo.diff(commit.parents[0], commit)
            diff.find_similar()
            _ = diff.stats.insertions + diff.stats.deletions
        elif not commit.parents:
            diff = commit.tree.diff_to_tree(swap=True)
            _ = diff.stats.insertions + diff.stats.deletions
    return n


def best_of(repeat: int, fn: Any, *args: Any) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, out


async def importer(server: EmbeddedFalkorDB, repo: Path, repeat: int) -> tuple[float, int, dict[str, int]]:
    root = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="bench_git", pool_size=4)
    best, commits, sizes = float("inf"), 0, {}
    try:
        for i in range(repeat):
            store = root.for_graph(f"bench_git_{i}")
            await store.bootstrap()
            await store.write("create_project", {"props": {"id": "p:bench", "name": "bench", "problemClass": "other",
                                                           "status": "active", "tags": []}})
            t = time.perf_counter()
            summary = build_plan(repo, "p:bench")
            await write(store, summary.plan, batch_size=1000)
            best = min(best, time.perf_counter() - t)
            commits = summary.commits
            sizes = {k: len(v) for k, v in summary.plan.rows.items()}
            await store.drop_graph(store.graph)
    finally:
        await root.close()
    return best, commits, sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--synthetic", type=int, default=0, help="build a repository of N commits instead")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="maestro-git-bench-") as tmp:
        repo = synthetic_repo(Path(tmp) / "repo", args.synthetic) if args.synthetic else args.repo

        async def measure(server: EmbeddedFalkorDB) -> dict[str, Any]:
            raw_s, commits = best_of(args.repeat, raw_git_log, repo)
            py_s, py_commits = best_of(args.repeat, pygit2_walk, repo)
            imp_s, imp_commits, rows = await importer(server, repo, args.repeat)
            result: dict[str, Any] = {
                "repository": "synthetic" if args.synthetic else str(repo), "commits": commits, "repeat": args.repeat,
                "raw_git_log": {"seconds": round(raw_s, 4), "commits_per_s": round(commits / raw_s)},
                "importer": {"seconds": round(imp_s, 4), "commits_per_s": round(imp_commits / imp_s), "rows": rows},
                "importer_vs_raw": round(raw_s / imp_s, 3),
                "git": subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip(),
                "pygit2_version": version_or_none("pygit2"),
            }
            if py_commits is not None:
                result["pygit2"] = {"seconds": round(py_s, 4), "commits_per_s": round(py_commits / py_s)}
                result["raw_git_log_vs_pygit2"] = round(py_s / raw_s, 3)
            return result

        run(measure)


if __name__ == "__main__":
    main()
