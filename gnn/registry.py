"""The model registry: versioned model directories under `<data dir>/models/`.

A directory is written whole under a temporary name and renamed into place, so a server that
looks for the newest version never sees half a model. Versions are `YYYYMMDDTHHMMSSZ-<data
fingerprint>`: they sort by training time as strings. This module imports neither torch nor
training code; loading a model needs scikit-learn and numpy only.
"""

from __future__ import annotations

import json
import pickle
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MODEL_FILE = "model.pkl"
INFO_FILE = "model.json"


def models_root(data_dir: Path) -> Path:
    return Path(data_dir) / "models"


def newest(root: Path) -> Path | None:
    """The newest complete model directory, or None when nothing was trained."""
    if not root.is_dir():
        return None
    done = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / INFO_FILE).exists())
    return done[-1] if done else None


def save(root: Path, fingerprint: str, info: dict[str, Any], served: Any, plots: dict[str, Any] | None = None,
         now: datetime | None = None) -> Path:
    """Write one model directory; `plots` maps file names to callables that draw into a path."""
    now = now or datetime.now(UTC)
    version = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{fingerprint[:8]}"
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{version}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    info = {"version": version, "trainedAt": now.isoformat(), "dataFingerprint": fingerprint, **info}
    with (tmp / MODEL_FILE).open("wb") as fh:
        pickle.dump(served, fh)
    for name, draw in (plots or {}).items():
        draw(tmp / name)
    (tmp / INFO_FILE).write_text(json.dumps(info, indent=2, sort_keys=True, allow_nan=False))
    final = root / version
    if final.exists():  # same second, same data: the newer write wins
        shutil.rmtree(final)
    tmp.rename(final)
    return final


@dataclass
class LoadedModel:
    path: Path
    info: dict[str, Any]
    served: Any

    @property
    def version(self) -> str:
        return str(self.info["version"])


def load(path: Path) -> LoadedModel:
    info = json.loads((path / INFO_FILE).read_text())
    with (path / MODEL_FILE).open("rb") as fh:
        served = pickle.load(fh)  # our own file, written by `maestro train` into the data dir
    if hasattr(served, "prepare"):
        served.prepare()  # per-model work done once here, not per request
    return LoadedModel(path, info, served)


class Registry:
    """The newest model, loaded on first use and reloaded when a newer directory appears."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._loaded: LoadedModel | None = None

    def current(self) -> LoadedModel | None:
        path = newest(self.root)
        if path is None:
            return None
        if self._loaded is None or self._loaded.path != path:
            self._loaded = load(path)
        return self._loaded
