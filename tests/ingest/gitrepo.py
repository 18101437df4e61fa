"""Build small git repositories with the git CLI, with every date and author under control."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Nobody")
        self.git("config", "user.email", "nobody@example.com")

    def git(self, *args: str, when: str | None = None, author: tuple[str, str] | None = None) -> str:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.path),
               "GIT_CONFIG_NOSYSTEM": "1"}
        if when:
            env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        if author:
            env |= {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1],
                    "GIT_COMMITTER_NAME": author[0], "GIT_COMMITTER_EMAIL": author[1]}
        out = subprocess.run(["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=True)
        return out.stdout

    def write(self, name: str, text: str | bytes) -> None:
        target = self.path / name
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text)

    def commit(self, message: str, when: str, author: tuple[str, str]) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, when=when, author=author)


ALICE = ("Alice Smith", "Alice@Example.com")
ALICE_OLD = ("alice", "alice.old@example.com")
BOB = ("Bob", "bob@example.com")


def build_team_repo(path: Path) -> Repo:
    """Three ISO weeks (the middle one empty), a .mailmap alias, a binary file, a rename, a PR merge.

    Week of Mon 2024-01-01: 2 commits (Alice +3; Bob +1 -1 and a binary file) -> churn 5.
    Week of Mon 2024-01-08: nothing.
    Week of Mon 2024-01-15: 3 non-merge commits (Alice's old address +3 with the .mailmap, Bob's +1, a pure
    rename 0) -> churn 4, 2 contributors; PR #7 merged 24 h after the branch's first commit.
    """
    repo = Repo(path)
    repo.write("a.txt", "one\ntwo\nthree\n")
    repo.commit("first", "2024-01-01T10:00:00Z", ALICE)
    repo.write("a.txt", "one\nTWO\nthree\n")
    repo.write("logo.bin", bytes(range(256)) * 4)
    repo.commit("second", "2024-01-03T09:00:00Z", BOB)
    repo.write(".mailmap", "Alice Smith <alice@example.com> <alice.old@example.com>\n")
    repo.write("c.txt", "x\ny\n")
    repo.commit("third", "2024-01-16T08:00:00+02:00", ALICE_OLD)  # 06:00 UTC, .mailmap -> Alice
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("f.txt", "feature\n")
    repo.commit("feature work", "2024-01-17T12:00:00Z", BOB)
    repo.git("checkout", "-q", "main")
    repo.git("mv", "a.txt", "b.txt")
    repo.commit("rename", "2024-01-17T13:00:00Z", ALICE)
    repo.git("merge", "-q", "--no-ff", "feature", "-m", "Merge pull request #7 from team/feature",
             when="2024-01-18T12:00:00Z", author=ALICE)
    return repo
