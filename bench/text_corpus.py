"""A large corpus of REAL short technical texts and their real embeddings, for the vector benches.

Why: the 100k benches used to draw synthetic vectors (isotropic noise around 50 centres). Such
points have 384 intrinsic dimensions, which is the worst case for an HNSW graph and not what a
sentence encoder produces: real text vectors lie near a much lower-dimensional surface. An index
tuned on the synthetic ones (efRuntime 3200) pays ~10x the distance computations real vectors
need. No public corpus of 100k project descriptions can be downloaded here, so this takes the
closest real text the machine holds: the first paragraph of every docstring (module, class,
function) in the installed Python distributions and standard libraries (`PATHS`), one to a few
sentences of English that describe what a piece of software does, as a project or artifact
description does. Tests are skipped; texts are deduplicated, 30–400 ASCII characters, 5 words or
more, sorted, then shuffled with a fixed seed. The corpus depends on what is installed, so every
report carries its size and digest.

Encoding 100k texts takes 10–20 minutes on two cores: `vectors()` caches them under
`MAESTRO_MODEL_CACHE_DIR/bench/<model digest>/`, in chunks keyed by their texts' digest.

    .venv/bin/python bench/text_corpus.py   # scan, encode and cache the whole corpus; prints its digest
"""

from __future__ import annotations

import argparse
import ast
import glob
import hashlib
import json
import random
import re
import site
import sysconfig
from pathlib import Path
from typing import Any

import numpy as np

SEED = 0
# Installed code only (not sys.path, which holds the working directory): this interpreter's
# site-packages and standard library, every pyenv interpreter's, Debian's dist-packages.
PATHS = [*site.getsitepackages(), sysconfig.get_paths()["stdlib"],
         *glob.glob("/root/.pyenv/versions/*/lib/python*/site-packages"), "/usr/lib/python3/dist-packages"]
CHUNK = 2048


def _paragraphs(path: Path) -> list[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                text = re.sub(r"\s+", " ", doc.strip().split("\n\n")[0]).strip()
                if 30 <= len(text) <= 400 and len(text.split()) >= 5 and text.isascii():
                    out.append(text)
    return out


def _sources(paths: list[str]) -> list[Path]:
    files = []
    for root in sorted({str(Path(p).resolve()) for p in paths if Path(p).is_dir()}):
        skip = ("tests", "test", "testing") if "site-packages" in root else ("tests", "test", "testing", "site-packages")
        files += [path for path in Path(root).rglob("*.py")
                  if "test" not in path.name and not any(part in skip for part in path.relative_to(root).parts)]
    return files


def texts(paths: list[str] | None = None) -> list[str]:
    """Every distinct docstring paragraph under `paths`, in a fixed pseudo-random order. Parsing
    takes minutes; the list is cached under a fingerprint of the files (path, size, mtime)."""
    files = _sources(paths or PATHS)
    stamp = hashlib.sha256()
    for path in files:
        stat = path.stat()
        stamp.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    cache = _folder(_settings()) / f"texts-{stamp.hexdigest()[:16]}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    found: set[str] = set()
    for path in files:
        found.update(_paragraphs(path))
    ordered = sorted(found)
    random.Random(SEED).shuffle(ordered)
    cache.write_text(json.dumps(ordered))
    return ordered


def _settings() -> Any:
    from maestro_graph.config import Settings

    return Settings(_env_file=None)  # type: ignore[call-arg]


def _folder(settings: Any) -> Path:
    """The cache folder of the configured model (MAESTRO_MODEL_CACHE_DIR/bench/<model digest>)."""
    folder = settings.model_cache_dir / "bench" / hashlib.sha256(settings.embedding_model.encode()).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def digest(items: list[str]) -> str:
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:16]


def vectors(items: list[str], progress: bool = True) -> np.ndarray:
    """Unit vectors of `items` by the configured model. Encoded in fixed chunks of 2,048 texts, each
    cached on disk by its digest and the model, so any prefix of the corpus reuses the chunks
    already encoded and an interrupted run resumes."""
    from maestro_graph.api.embedding import make_encoder

    settings = _settings()
    folder = _folder(settings)
    chunks = [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]
    parts: list[np.ndarray] = []
    encoder = None
    from rich.console import Console
    from rich.progress import Progress

    with Progress(disable=not progress, console=Console(stderr=True)) as bar:  # stdout carries the JSON
        task = bar.add_task("encoding docstrings", total=len(items))
        for chunk in chunks:
            path = folder / f"docstrings-{digest(chunk)}.npy"
            if not path.exists():
                encoder = encoder or make_encoder(settings)
                assert encoder is not None, "real vectors need the [ml] extra"
                np.save(path.with_suffix(".tmp.npy"), np.asarray(encoder.encode(chunk), dtype="float32"))
                path.with_suffix(".tmp.npy").replace(path)
            parts.append(np.load(path))
            bar.advance(task, len(chunk))
    return np.concatenate(parts)


def corpus(n: int, queries: int) -> tuple[list[str], np.ndarray, list[str], np.ndarray, dict[str, object]]:
    """`n` texts and vectors to store, and `queries` other texts and vectors to ask with. The whole
    corpus is encoded (once: its chunks are cached), so every size reuses the same chunks."""
    everything = texts()
    data = vectors(everything)
    # A few docstrings hold control characters (a NUL), which the importer rightly refuses.
    keep = [i for i, text in enumerate(everything) if text.isprintable()][: n + queries]
    if len(keep) < n + queries:
        raise SystemExit(f"only {len(keep)} docstring texts here; ask for fewer than {n} + {queries}")
    chosen = [everything[i] for i in keep]
    provenance = {"source": "docstrings of installed Python distributions (bench/text_corpus.py)",
                  "available": len(everything), "stored": n, "stored_digest": digest(chosen[:n]), "queries": queries}
    return chosen[:n], data[keep[:n]], chosen[n:], data[keep[n:]], provenance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args()
    everything = texts()
    data = vectors(everything)
    print(json.dumps({"available": len(everything), "encoded": len(data), "digest": digest(everything)}))


if __name__ == "__main__":
    main()
