"""Maestro Graph: learn from past ML projects through a knowledge graph."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("maestro-graph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
