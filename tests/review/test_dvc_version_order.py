"""A retrained DVC output is the newest version of its path, whatever its md5 looks like.

DVC versions are content hashes; parsed as version numbers they would sort by accident (an md5
starting with a digit reads as a Debian version and outranks one starting with a letter), and
the import re-links each name's NEW_VERSION_OF chain by that order.
"""

from __future__ import annotations

from pathlib import Path

from maestro_graph.ingest.dvc import build_plan, link_versions
from maestro_graph.ingest.target import write
from maestro_graph.model import derived_id
from maestro_graph.store.port import GraphStore
from tests.api.conftest import load
from tests.api.test_versions_and_writes import chain
from tests.ingest.test_dvc import dvc_project

FIRST = "1a2b3c4d1a2b3c4d1a2b3c4d1a2b3c4d"  # reads as a version number if parsed
RETRAINED = "deadbeefdeadbeefdeadbeefdeadbeef"  # does not


async def ingest(store: GraphStore, root: Path) -> None:
    summary = build_plan(root, "p:1")
    await link_versions(store, summary, "p:1")
    await write(store, summary.plan, batch_size=100)


async def test_a_retrained_output_is_the_newest_version_and_heads_the_chain(store: GraphStore, tmp_path: Path) -> None:
    await load(store, [{"kind": "project", "id": "p:1", "name": "churn"}])
    root = dvc_project(tmp_path / "proj", model_md5=FIRST)
    await ingest(store, root)
    dvc_project(root, model_md5=RETRAINED)
    await ingest(store, root)
    await ingest(store, root)  # reading the same lock again changes no order

    first, retrained = (derived_id("dvc", "p:1", "model.pkl", md5) for md5 in (FIRST, RETRAINED))
    versions = (await store.read("artifact_versions", {"ids": [first]}))[0]["versions"]
    newest_first = sorted(versions, key=lambda v: v["versionKey"], reverse=True)
    assert [v["id"] for v in newest_first] == [retrained, first]
    assert await chain(store, "model.pkl") == [(RETRAINED, FIRST)]
