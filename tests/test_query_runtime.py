"""The ONNX query runtime (embed/onnx.py): the same vectors as torch, built once per machine.

A spec or a search phrase is compared with vectors that torch wrote, so the faster runtime is only
worth having if it returns those same vectors; these tests run the real packaged model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sentence_transformers")
pytest.importorskip("onnxruntime")

from maestro_graph.embed import onnx  # noqa: E402
from maestro_graph.embed.encoder import Encoder  # noqa: E402

TEXTS = ["fraud detection", "Forecast weekly demand per store; features from promotions and holidays.",
         "x", "scores card payments and flags suspicious charges " * 60]  # the last is cut at 256 tokens


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Encoder, Path]:
    cache = tmp_path_factory.mktemp("onnx-cache")
    encoder = Encoder(cache_dir=cache)
    assert encoder.query_backend == "torch"  # nothing started yet
    assert encoder.prepare_query_runtime()
    return encoder, cache


def test_the_onnx_runtime_returns_the_vectors_torch_stores(exported: tuple[Encoder, Path]) -> None:
    encoder, _ = exported
    assert encoder.query_backend == "onnx"
    fast = np.array(encoder.encode_query(TEXTS))
    reference = np.array(encoder.encode(TEXTS))
    assert fast.shape == reference.shape == (len(TEXTS), 384)
    assert np.abs(fast - reference).max() <= onnx.TOLERANCE
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    # one at a time, as a query is encoded, gives the same vector as in a padded batch
    assert np.abs(np.array(encoder.encode_query([TEXTS[1]]))[0] - fast[1]).max() <= onnx.TOLERANCE


def test_the_export_is_made_once_and_reused(exported: tuple[Encoder, Path]) -> None:
    encoder, cache = exported
    files = list(cache.glob("*.onnx"))
    assert len(files) == 1 and not list(cache.glob("*.partial"))
    written = files[0].stat().st_mtime_ns
    again = Encoder(cache_dir=cache)
    assert again.prepare_query_runtime()
    assert [f.stat().st_mtime_ns for f in cache.glob("*.onnx")] == [written]


def test_a_damaged_cached_export_is_made_again(exported: tuple[Encoder, Path], tmp_path: Path) -> None:
    encoder, cache = exported
    damaged = tmp_path / next(cache.glob("*.onnx")).name
    damaged.write_bytes(b"not an onnx model")
    rebuilt = Encoder(cache_dir=tmp_path)
    assert rebuilt.prepare_query_runtime()
    assert damaged.stat().st_size > 1_000_000
    assert np.abs(np.array(rebuilt.encode_query(TEXTS[:1])) - np.array(encoder.encode(TEXTS[:1]))).max() <= onnx.TOLERANCE


def test_the_torch_setting_never_exports(tmp_path: Path) -> None:
    encoder = Encoder(query_runtime="torch", cache_dir=tmp_path)
    assert len(encoder.encode_query(["fraud detection"])[0]) == 384
    assert not encoder.prepare_query_runtime() and encoder.query_backend == "torch"
    assert list(tmp_path.iterdir()) == []


def test_a_pipeline_it_cannot_reproduce_stays_on_torch(exported: tuple[Encoder, Path]) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Pooling

    encoder, cache = exported
    model = encoder.load()
    max_pooled = SentenceTransformer(modules=[model[0], Pooling(384, pooling_mode="max")], device="cpu")
    assert onnx.build(max_pooled, cache, threads=1) is None


def test_the_export_is_fused_and_the_plain_one_answers_the_same(exported: tuple[Encoder, Path], tmp_path: Path) -> None:
    import onnx as onnx_format

    encoder, cache = exported
    ops = {node.op_type for node in onnx_format.load(str(next(cache.glob("*.onnx")))).graph.node}
    # each layer's attention, layer norms and the embeddings folded into onnxruntime's fused kernels
    assert {"Attention", "SkipLayerNormalization", "EmbedLayerNormalization"} <= ops
    assert "Softmax" not in ops
    plain = onnx.build(encoder.load(), tmp_path, threads=1, fused=False)
    assert plain is not None
    assert "Attention" not in {node.op_type for node in onnx_format.load(str(next(tmp_path.glob("*.onnx")))).graph.node}
    assert np.abs(plain.encode(TEXTS) - np.array(encoder.encode_query(TEXTS))).max() <= onnx.TOLERANCE


def test_a_process_that_exits_while_the_export_runs_exits_cleanly(tmp_path: Path) -> None:
    """An export thread stopped inside torch's exporter or onnxruntime used to abort the process at
    exit (status 134, "terminate called without an active exception"): a CLI command or a test run
    ending soon after a first query failed with it."""
    import subprocess
    import sys

    script = ("import sys, time\nfrom pathlib import Path\nfrom maestro_graph.embed.encoder import Encoder\n"
              "e = Encoder(cache_dir=Path(sys.argv[1]))\ne.encode_query(['x'])\ntime.sleep(0.5)\n"
              "print(e.query_backend)\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() in {"pending", "onnx"}
