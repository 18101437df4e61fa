"""Maestro Graph: learn from past ML projects through a knowledge graph."""

import os
from importlib.metadata import PackageNotFoundError, version

# torch's OpenMP threads spin at every barrier by default (libgomp). When other processes hold
# the cores, the spinning threads starve the one doing the work: a one-text query encode took
# 750 ms instead of 67, and a small training loop 58 s instead of 1.4 (bench/thread_wait.py).
# Set before torch can load (it is imported lazily, always after this package); a value the
# user exported wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

try:
    __version__ = version("maestro-graph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
