"""Version order across schemes, as `Artifact.versions`, `orderBy: VERSION` and chains use it."""

from __future__ import annotations

import pytest

from maestro_graph.versions import scheme_key, version_key


def ordered(versions: list[str]) -> list[str]:
    return sorted(versions, key=version_key)


def test_the_issue_example_newest_first() -> None:
    given = ["1.9.0", "1.10.0", "2.0rc1", "2.0", "v2.1.0", "2024.03.1", "1.0.0-rc.1+build.5"]
    assert ordered(given)[::-1] == ["2024.03.1", "v2.1.0", "2.0", "2.0rc1", "1.10.0", "1.9.0", "1.0.0-rc.1+build.5"]


def test_pep440_phases() -> None:
    assert ordered(["1.0.post1", "1.0", "1.0rc1", "1.0b2", "1.0a1", "1.0.dev3", "0.9"]) == [
        "0.9", "1.0.dev3", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0.post1"]


def test_semver_precedence_from_the_spec() -> None:  # semver.org, item 11 (PEP 440 parses none of these)
    spec = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0"]
    semver_only = ["1.0.0-alpha.beta", "1.0.0-x.7.z.92", "1.0.0-x.7.z.100"]
    assert ordered(semver_only) == ["1.0.0-alpha.beta", "1.0.0-x.7.z.92", "1.0.0-x.7.z.100"]
    assert ordered(spec)[-1] == "1.0.0" and ordered(spec)[0] == "1.0.0-alpha"


def test_debian_versions() -> None:
    assert ordered(["1:0.9", "2.30-1ubuntu2", "2.30~rc1-1", "2.30-1", "2.4.1+dfsg-1", "2.30"]) == [
        "2.4.1+dfsg-1", "2.30~rc1-1", "2.30", "2.30-1", "2.30-1ubuntu2", "1:0.9"]


def test_dotted_and_calendar_versions_compare_by_their_numbers() -> None:
    assert ordered(["r2024_10_01", "r2024_9_30", "release-7"]) == ["release-7", "r2024_9_30", "r2024_10_01"]


def test_unparsable_versions_are_oldest_and_ordered_by_registration_time() -> None:
    keys = {v: version_key(v, t) for v, t in [("deadbeef", 200), ("cafe", 100), ("0.0.1", 50)]}
    assert sorted(keys, key=keys.get) == ["cafe", "deadbeef", "0.0.1"]
    assert scheme_key("deadbeef") is None


@pytest.mark.parametrize("version", ["2.0", "2.0.0", "v2.0", "2.0-0"])
def test_spellings_of_one_release_sort_together(version: str) -> None:
    assert version_key("1.99") < version_key(version) < version_key("2.0.1")


def test_keys_are_ascii_before_the_version_text() -> None:
    key = version_key("ünï-1.0")
    assert key.split(" ", 1)[0].isascii()
