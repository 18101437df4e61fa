"""Version tokens and their one order: a string sort key that Cypher's ORDER BY agrees with.

A catalogue holds versions of every scheme (`2.0rc1`, `v1.2.3`, `1.0.0-rc.1+build.5`, `3.8.4-1`,
`1:2.30-1ubuntu2`, `2024.03.1`, a git hash). Each is parsed by the first scheme that accepts it:

1. PEP 440 (a leading `v` allowed), with the `packaging` library;
2. SemVer 2.0 (build metadata ignored, pre-release identifiers compared as SemVer says);
3. Debian (`[epoch:]upstream[-revision]`, `~` sorting before anything, even the end);
4. dotted numeric or calendar (`r2024_03_01`, `release-7.2`): the digit runs, in order;
5. anything else: registration time, then the text.

`version_key` encodes the parse as an ASCII string whose lexicographic order is the version
order, stored on each Artifact as `versionKey`, so Python and both stores sort alike. How keys
of different schemes compare (the layout of a key):

- `0` + 13-digit registration time: unparsable versions, older than any numbered version;
- `1` + epoch + release numbers: every numbered scheme shares this prefix, so `2.0` (PEP 440),
  `2.0.0` (SemVer), `2.0-1` (Debian) and `2.0` (dotted) compare by their numbers first
  (trailing zero components are dropped, as PEP 440 does: `2.0 == 2.0.0`);
- then, within one release, the phase: dev-only (`0`) < alpha/beta/rc (`1`-`3`) < SemVer or
  Debian `~` pre-releases (`4`) < the release itself (`5`); a release's post-releases, Debian
  revisions and suffixes come after it;
- last, after a space (lower than any character a key uses), the version text itself, so two
  spellings of one version (`2.0`, `v2.0`) still have a fixed order.

Numbers are written with a two-digit length prefix (`9` -> `019`, `10` -> `0210`), which makes
string order numeric order.
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

MAX_VERSION = 64
SEMVER = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
DEBIAN = re.compile(r"^(?:(\d+):)?(\d[A-Za-z0-9.+~\-]*?)(?:-([A-Za-z0-9.+~]+))?$")
DOTTED = re.compile(r"^[A-Za-z]*[-_]?\d+(?:[._\-/]\d+)*$")
_PRE_PHASE = {"a": "1", "b": "2", "rc": "3"}


def _num(n: int | str) -> str:
    """A non-negative integer as a string that sorts numerically: two-digit length, then digits."""
    digits = str(int(n))
    return f"{len(digits):02d}{digits}"


def _release(epoch: int, numbers: list[int]) -> str:
    while numbers and numbers[-1] == 0:
        numbers = numbers[:-1]
    return "1" + _num(epoch) + "".join("." + _num(n) for n in numbers) + "!"


def _pep440(text: str) -> str | None:
    try:
        v = Version(text)
    except InvalidVersion:
        return None
    if v.pre is not None:
        phase = _PRE_PHASE[v.pre[0]] + _num(v.pre[1])
    elif v.dev is not None and v.post is None:
        phase = "0"
    else:
        phase = "5"
    post = "0" if v.post is None else "1" + _num(v.post)
    dev = "9" if v.dev is None else "0" + _num(v.dev)
    local = "" if v.local is None else "+" + v.local
    return _release(v.epoch, list(v.release)) + phase + post + dev + local


def _semver(text: str) -> str | None:
    match = SEMVER.match(text)
    if not match:
        return None
    major, minor, patch, pre = match.groups()
    head = _release(0, [int(major), int(minor), int(patch)])
    if pre is None:
        return head + "509"
    # Identifiers: numeric ones before alphanumeric ones; fewer identifiers first on a tie.
    ids = [("0" + _num(i)) if i.isdigit() else ("1" + i) for i in pre.split(".")]
    return head + "4" + ",".join(ids) + "!"


def _debian_part(text: str) -> str:
    """Debian's comparison of a version part as a string: `~` < end < letters < other symbols."""
    out = []
    for chunk in re.findall(r"\d+|\D+", text):
        if chunk.isdigit():
            out.append(_num(chunk))
            continue
        for ch in chunk:
            out.append("0" if ch == "~" else ("2" + ch if ch.isalpha() else "3" + ch))
        out.append("1")
    return "".join(out)


def _debian(text: str) -> str | None:
    match = DEBIAN.match(text)
    if not match:
        return None
    epoch, upstream, revision = match.groups()
    lead = re.match(r"\d+(?:\.\d+)*", upstream)
    assert lead is not None  # the pattern makes upstream start with a digit
    rest = upstream[lead.end():]
    phase = "4" if rest.startswith("~") else "5"
    numbers = [int(n) for n in lead.group().split(".")]
    return _release(int(epoch or 0), numbers) + phase + "D" + _debian_part(rest) + "-" + _debian_part(revision or "")


def _dotted(text: str) -> str | None:
    if not DOTTED.match(text):
        return None
    return _release(0, [int(n) for n in re.findall(r"\d+", text)]) + "5"


def scheme_key(version: str) -> str | None:
    """The ordering key of a version any numbered scheme parses, else None (then time decides)."""
    for parse in (_pep440, _semver, _debian, _dotted):
        key = parse(version)
        if key is not None:
            return key
    return None


def version_key(version: str, registered_at: int | None = None) -> str:
    """The sort key stored as `versionKey`: lexicographic order == version order (see module doc).

    `registered_at` (epoch ms) orders only versions no scheme parses; unknown counts as 0.
    """
    key = scheme_key(version)
    if key is None:
        key = "0" + f"{max(0, registered_at or 0):013d}"
    return key + " " + version
