"""Build bench/data/python_distributions.jsonl: real projects and the libraries they reuse.

Source: the metadata (PEP 566 METADATA / PKG-INFO) of every Python distribution installed on
this machine, read with `importlib.metadata` from the site-packages folders given (default: this
interpreter's path, the pyenv interpreters, Debian's dist-packages). Each distribution is a
project (name, summary, keywords, topic classifiers, the start of its description) and its
unconditional `Requires-Dist` entries are the artifacts it reused. Nothing is downloaded.

    .venv/bin/python bench/build_catalogue.py            # writes bench/data/python_distributions.jsonl
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import sys
from importlib import metadata
from pathlib import Path

DEFAULT_PATHS = [*sys.path, *glob.glob("/root/.pyenv/versions/*/lib/python*/site-packages"),
                 "/usr/lib/python3/dist-packages"]
OUT = Path(__file__).parent / "data" / "python_distributions.jsonl"


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec: str) -> str | None:
    """The distribution a `Requires-Dist` line names, or None when it only applies with an extra."""
    if "extra ==" in spec.replace("extra==", "extra =="):
        return None
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return norm(match.group(1)) if match else None


def record(dist: metadata.Distribution, where: str) -> dict | None:
    meta = dist.metadata
    name = meta.get("Name")
    if not name:
        return None
    requires = sorted({r for r in (requirement_name(s) for s in dist.requires or []) if r and r != norm(name)})
    description = (meta.get_payload() if hasattr(meta, "get_payload") else "") or meta.get("Description") or ""
    return {
        "name": norm(name), "version": meta.get("Version"), "summary": (meta.get("Summary") or "").strip(),
        "keywords": [k for k in re.split(r"[,\s]+", meta.get("Keywords") or "") if k][:20],
        "topics": sorted({c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("Topic ::")}),
        "description": re.sub(r"\s+", " ", str(description))[:1500],
        "requires": requires,
        "found_in": where,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()
    found: dict[str, dict] = {}
    for path in args.paths:
        if "/work/wt-" in path and not path.startswith(str(Path(__file__).resolve().parents[1])):
            continue
        for dist in metadata.distributions(path=[path]):
            rec = record(dist, "venv" if ".venv" in path else "system")
            if rec and (rec["name"] not in found or len(rec["requires"]) > len(found[rec["name"]]["requires"])):
                found[rec["name"]] = rec
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w") as fh:
        for name in sorted(found):
            fh.write(json.dumps(found[name], sort_keys=True) + "\n")
    with_deps = sum(1 for r in found.values() if r["requires"])
    print(json.dumps({"distributions": len(found), "with_requirements": with_deps, "written": str(OUT)}))


if __name__ == "__main__":
    main()
