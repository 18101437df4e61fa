"""Latency of one query text through each runtime `encode_query` can use: torch, the plain ONNX
export, and the fused ONNX export the server builds (`maestro_graph/embed/onnx.py`).

Texts: `--texts` REAL short technical texts (bench/text_corpus.py's docstring corpus, the ones
similarity_speed.py asks with as unsaved specs), one per call, as a person's spec or search phrase
arrives. Between calls the bench sleeps `--gap-ms`: requests do not arrive back to back, and on
this VM an idle core wakes slowly, which back-to-back timing hides. Each runtime is timed in
`--rounds` rounds in ABBA order (plain, fused, fused, plain, ...) so drift on a shared machine
falls on both; `ratio` is fused over plain on the pooled calls of the same run. `max_abs_diff` is
the largest difference from torch's unit vectors over the texts (the server uses an export only
within `onnx.TOLERANCE`).

    .venv/bin/python bench/query_encoder.py [--texts 200] [--rounds 4] [--gap-ms 20] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import text_corpus
from harness import summary

from maestro_graph.embed import onnx
from maestro_graph.embed.encoder import Encoder


def timed(encode: Any, texts: list[str], gap_s: float) -> list[float]:
    out = []
    for text in texts:
        time.sleep(gap_s)
        t = time.perf_counter()
        encode([text])
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--gap-ms", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads (the server: torch's)")
    args = parser.parse_args()
    everything = [t for t in text_corpus.texts() if t.isprintable()]
    texts = everything[-args.texts:]  # the tail: never among the stored texts of the 100k benches
    model = Encoder().load()
    tokens = [len(model.tokenizer(t, truncation=True, max_length=model.max_seq_length)["input_ids"]) for t in texts]
    reference = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    with tempfile.TemporaryDirectory(prefix="maestro-onnx-") as tmp:
        t = time.perf_counter()
        plain = onnx.build(model, Path(tmp), threads=args.threads, fused=False)
        plain_s = time.perf_counter() - t
        t = time.perf_counter()
        fused = onnx.build(model, Path(tmp), threads=args.threads, fused=True)
        fused_s = time.perf_counter() - t
        if plain is None or fused is None:
            sys.exit("an ONNX runtime could not be built here (see the log)")
        runtimes = {"plain": plain.encode, "fused": fused.encode,
                    "torch": lambda batch: model.encode(batch, normalize_embeddings=True, show_progress_bar=False)}
        diffs = {name: float(np.abs(np.vstack([enc([t]) for t in texts]) - reference).max())
                 for name, enc in runtimes.items() if name != "torch"}
        for enc in runtimes.values():  # warm
            timed(enc, texts[:10], 0.0)
        calls: dict[str, list[float]] = {name: [] for name in runtimes}
        rounds = []
        for r in range(args.rounds):
            order = ["plain", "fused"] if r % 2 == 0 else ["fused", "plain"]
            this = {name: timed(runtimes[name], texts, args.gap_ms / 1000) for name in order}
            for name, values in this.items():
                calls[name].extend(values)
            rounds.append({name: summary(values) for name, values in this.items()})
        calls["torch"] = timed(runtimes["torch"], texts, args.gap_ms / 1000)
    pooled = {name: summary(values) for name, values in calls.items()}
    result = {
        "inputs": {"texts": len(texts), "tokens_p50": int(np.median(tokens)), "tokens_p95": int(np.percentile(tokens, 95)),
                   "rounds": args.rounds, "gap_ms": args.gap_ms, "threads": args.threads,
                   "source": "docstrings of installed Python distributions (bench/text_corpus.py), last texts"},
        "build_s": {"plain": round(plain_s, 1), "fused": round(fused_s, 1)},
        "max_abs_diff_vs_torch": diffs, "tolerance": onnx.TOLERANCE,
        "pooled": pooled, "rounds": rounds,
        "ratio_fused_over_plain": {q: round(pooled["fused"][q] / pooled["plain"][q], 3) for q in ("p50_ms", "p95_ms", "mean_ms")},
        "ratio_fused_over_plain_per_round_mean": [round(rd["fused"]["mean_ms"] / rd["plain"]["mean_ms"], 3) for rd in rounds],
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
