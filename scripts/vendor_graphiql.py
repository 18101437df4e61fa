"""Re-fetch GraphiQL's browser files from the npm registry and check them against the manifest.

GraphiQL must work without internet, so the files Strawberry's page would load from a CDN are
committed under `maestro_graph/api/static/graphiql/`. This script is how they got there, and how
to refresh them: `npm pack` each pinned package (the tarball npm publishes, the same bytes a
CDN serves), copy out the one file the page needs, and refuse any file whose sha384 differs from
the integrity recorded in `manifest.json` (the values Strawberry's page pins).

    python scripts/vendor_graphiql.py          # fetch, verify, write the files
    python scripts/vendor_graphiql.py --check  # verify the committed files only (no network)

To move to new versions, edit `manifest.json` (version, file, integrity) and run it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "maestro_graph" / "api" / "static" / "graphiql"
MANIFEST = STATIC / "manifest.json"


def sha384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def local_path(entry: dict[str, str]) -> Path:
    return STATIC / f"{entry['package']}@{entry['version']}" / entry["file"]


def fetch(entry: dict[str, str], workdir: Path) -> bytes:
    """The file as published in the package's npm tarball."""
    spec = f"{entry['package']}@{entry['version']}"
    out = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(workdir)],
        check=True, capture_output=True, text=True, cwd=workdir,
    ).stdout.split()[-1]
    with tarfile.open(workdir / out) as tar:
        member = tar.extractfile(f"package/{entry['file']}")
        if member is None:
            raise SystemExit(f"{spec} has no file {entry['file']}")
        return member.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the committed files, fetch nothing")
    args = parser.parse_args()
    entries = json.loads(MANIFEST.read_text())["files"]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for entry in entries:
            target = local_path(entry)
            data = target.read_bytes() if args.check else fetch(entry, Path(tmp))
            if sha384(data) != entry["integrity"]:
                print(f"integrity mismatch: {target.relative_to(STATIC)}", file=sys.stderr)
                bad += 1
                continue
            if not args.check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            print(f"ok {target.relative_to(STATIC)} ({len(data)} bytes)")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
