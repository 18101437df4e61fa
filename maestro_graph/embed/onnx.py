"""The query runtime: the same model's transformer exported to ONNX and run by onnxruntime.

Why: a query (an unsaved spec, a search phrase) is one short text, and its latency is what a
person waits for. torch spends ~20 ms on one such text of all-MiniLM-L6-v2 here (16 tokens
median), mostly dispatch overhead; onnxruntime runs the same graph in 7 ms back to back, 10-11 ms
with requests 20 ms apart, as served: an idle core of this VM wakes slowly
(bench/query_encoder.py). Batches stay on torch, which is GEMM-bound there and as fast.

The export is then fused (`_fuse`): onnxruntime's transformer optimizer folds each layer's
attention, its layer norms and the embeddings into single kernels (Attention,
SkipLayerNormalization, EmbedLayerNormalization, BiasGelu). With requests 20 ms apart that is 7%
less time per text (mean; 0.92x at p50, p95 unchanged), back to back no change. The fusion only
recognises attention written out as matmuls and a softmax, so the export traces a copy of the
transformer switched to eager attention (SDPA, the default, exports as a pattern it does not
match); both give the same vectors.

The vectors must be the ones torch writes, or a query would be compared with stored vectors from
another function: so an export is used only after it reproduced `model.encode` on probe texts
(largest difference between unit vectors ≤ `TOLERANCE`); otherwise, or when onnx/onnxruntime are
missing or the pipeline is not transformer → mean/CLS pooling → normalise, `build` returns None
and torch answers. The export takes seconds, so it is cached on disk under a digest of the
weights and the versions that produced it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("maestro.embed")

TOLERANCE = 1e-4
PROBES = ("fraud detection on card payments", "a", "Forecast weekly demand per store with gradient boosting; "
          "features from sales, promotions and holidays; evaluation by MAPE on the last quarter.")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17
FUSION = "bert-fusion-1"  # part of the cache key: a change in how the export is fused makes it again
FUSABLE = {"bert", "roberta", "xlm-roberta", "distilbert"}  # families the "bert" fusions cover


class OnnxQueryEncoder:
    """Encodes a few texts like the SentenceTransformer it came from, through onnxruntime."""

    def __init__(self, session: Any, tokenizer: Any, max_length: int, pooling: str) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._max_length = max_length
        self._pooling = pooling
        self._inputs = [i.name for i in session.get_inputs()]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        batch = self._tokenizer(list(texts), padding=True, truncation=True, max_length=self._max_length,
                                return_tensors="np")
        feeds = {name: np.asarray(batch[name], dtype=np.int64) for name in self._inputs}
        tokens = self._session.run(None, feeds)[0]
        if self._pooling == "cls":
            pooled = tokens[:, 0]
        else:
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("onnx", "onnxruntime"))


def build(model: Any, cache_dir: Path | None, *, threads: int, fused: bool = True) -> OnnxQueryEncoder | None:
    """An ONNX runtime equivalent to `model` (a loaded SentenceTransformer), or None.

    `fused=False` keeps the plain export: the baseline bench/query_encoder.py compares with."""
    pooling = _pooling(model)
    if pooling is None or not available():
        return None
    try:
        path = _exported(model, cache_dir, fused)
        try:
            session = _session(path, threads)
        except Exception:  # noqa: BLE001 - a cached file cut short or damaged: export it again, once
            path.unlink(missing_ok=True)
            session = _session(_exported(model, cache_dir, fused), threads)
        encoder = OnnxQueryEncoder(session, model.tokenizer, model.max_seq_length, pooling)
        reference = model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False)
        gap = float(np.abs(encoder.encode(PROBES) - reference).max())
    except Exception as exc:  # noqa: BLE001 - any failure leaves the queries on torch, which works
        log.warning("ONNX query runtime unavailable, queries use torch: %s", exc)
        return None
    if gap > TOLERANCE:
        log.warning("ONNX export differs from torch by %.2g on probe texts; queries use torch", gap)
        return None
    return encoder


def _pooling(model: Any) -> str | None:
    """'mean' or 'cls' for a transformer → pooling [→ normalise] pipeline; None for anything else."""
    modules = list(model)
    names = [type(m).__name__ for m in modules]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return None
    mode = getattr(modules[1], "pooling_mode", None)
    return mode if mode in ("mean", "cls") else None


def _exported(model: Any, cache_dir: Path | None, fused: bool) -> Path:
    """The cached export for these weights, made once (atomically: concurrent workers may race)."""
    import torch

    transformer = model[0].auto_model
    digest = hashlib.sha256(f"{torch.__version__}|{OPSET}|{FUSION if fused else 'plain'}|{type(transformer).__name__}".encode())
    for name, tensor in sorted(transformer.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().contiguous().cpu().numpy().tobytes())
    directory = cache_dir if cache_dir is not None and _writable(cache_dir) else Path(tempfile.gettempdir())
    path = directory / f"transformer-{digest.hexdigest()[:24]}.onnx"
    if path.exists():
        return path
    sample = model.tokenizer(["probe text"], return_tensors="pt")
    names = [n for n in INPUTS if n in sample]
    wrapped = _token_module(_eager(transformer) if fused else transformer, names).eval()
    handle, partial = tempfile.mkstemp(dir=directory, suffix=".onnx.partial")
    os.close(handle)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "tokens"]}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on Python control flow it froze
        torch.onnx.export(wrapped, tuple(sample[n] for n in names), partial, input_names=names,
                          output_names=["tokens"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)
    if fused:
        _fuse(Path(partial), transformer.config)
    os.replace(partial, path)
    return path


def _eager(transformer: Any) -> Any:
    """A copy of `transformer` computing attention as plain matmuls (see the module docstring).

    A copy, because the model itself keeps serving torch encodes from other threads meanwhile."""
    import copy

    if not hasattr(transformer, "set_attn_implementation"):
        return transformer
    twin = copy.deepcopy(transformer)
    try:
        twin.set_attn_implementation("eager")
    except Exception:  # noqa: BLE001 - an architecture without the switch exports as it is
        return transformer
    return twin


def _fuse(path: Path, config: Any) -> None:
    """Rewrite the export at `path` with onnxruntime's transformer fusions, in place.

    Best effort: an architecture the fusions do not cover, or any failure, leaves the plain
    export, which `build` checks against torch like the fused one."""
    if getattr(config, "model_type", None) not in FUSABLE or importlib.util.find_spec("onnxruntime.transformers") is None:
        return
    try:
        from onnxruntime.transformers import optimizer

        fused = optimizer.optimize_model(str(path), model_type="bert", num_heads=config.num_attention_heads,
                                         hidden_size=config.hidden_size, opt_level=0)
        if not fused.get_fused_operator_statistics().get("Attention"):
            return  # nothing worth the rewrite was found
        fused.save_model_to_file(str(path))
    except Exception as exc:  # noqa: BLE001 - the plain export still works
        log.info("ONNX fusion skipped, the plain export is used: %s", exc)


def _writable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK)


def _session(path: Path, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # No spinning. Measured here (bench/query_encoder.py's texts, requests 20 ms apart): spinning
    # made a text 6.1 instead of 9.9 ms only by keeping a core busy through the gap between
    # requests (35 vs 13 ms of CPU per text), a core the store and the event loop need; spinning
    # only within a run (session.force_spinning_stop) gained nothing.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _token_module(transformer: Any, names: list[str]) -> Any:
    """The transformer as a positional module returning token embeddings (what the export traces)."""
    import torch

    class Tokens(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *tensors: Any) -> Any:
            return self.transformer(**dict(zip(names, tensors, strict=True))).last_hidden_state

    return Tokens()
