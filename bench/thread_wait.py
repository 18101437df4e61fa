"""Why Maestro makes OpenMP threads wait passively: one-text encoding and a small torch training
loop, each on the machine as it is and with `--busy` more processes spinning on the CPUs, under
OMP_WAIT_POLICY unset (libgomp's default: spin ~300k iterations at every barrier) and PASSIVE
(sleep at once), each in a fresh interpreter so the policy is read when torch loads.

    .venv/bin/python bench/thread_wait.py [--busy 2] [--calls 40]

On a shared 2-core machine, torch's 2 intra-op threads spinning at each of a forward pass's
barriers starve each other when other processes hold the cores: one short text took 738 ms to
encode instead of 59 ms (load 5.4). Prints one JSON object: per policy and load, encode p50/p95
and CPU per call, and the train loop's seconds, with ratios PASSIVE / unset.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from typing import Any

PROBE = r"""
import json, os, statistics, sys, time
os.environ.pop("OMP_WAIT_POLICY", None) if sys.argv[1] == "unset" else os.environ.__setitem__("OMP_WAIT_POLICY", sys.argv[1])
import torch
from maestro_graph.embed.encoder import Encoder
calls = int(sys.argv[2])
encoder = Encoder(); encoder.encode(["warm up"])
text = "Fraud detection on card transactions with gradient boosting and a feature store; real-time scoring"
times, cpu = [], time.process_time()
for _ in range(calls):
    t = time.perf_counter(); encoder.encode([text]); times.append((time.perf_counter() - t) * 1000)
cpu_ms = (time.process_time() - cpu) * 1000 / calls
times.sort()
torch.manual_seed(0)
x, y = torch.randn(2048, 64), torch.randn(2048, 1)
model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
t = time.perf_counter()
for _ in range(200):
    opt.zero_grad(); loss = torch.nn.functional.mse_loss(model(x), y); loss.backward(); opt.step()
print(json.dumps({"encode_p50_ms": round(times[len(times) // 2], 1), "encode_p95_ms": round(times[int(0.95 * len(times))], 1),
                  "encode_cpu_ms_per_call": round(cpu_ms, 1), "train_200_steps_s": round(time.perf_counter() - t, 2),
                  "torch_threads": torch.get_num_threads()}))
"""


def spin(stop_at: float) -> None:
    while time.time() < stop_at:  # bounded: stops by itself
        pass


def probe(policy: str, calls: int) -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", PROBE, policy, str(calls)], env=env, capture_output=True, text=True,
                         timeout=1800, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--busy", type=int, default=2, help="processes spinning on the CPUs in the loaded case")
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    started = time.perf_counter()
    result: dict[str, Any] = {"inputs": {"busy": args.busy, "calls": args.calls, "cpu_count": os.cpu_count()}}
    for load in ("as_is", "busy"):
        spinners = []
        if load == "busy":
            stop_at = time.time() + 1200
            spinners = [multiprocessing.Process(target=spin, args=(stop_at,), daemon=True) for _ in range(args.busy)]
            for p in spinners:
                p.start()
        try:
            result[load] = {policy: probe(policy, args.calls) for policy in ("unset", "PASSIVE")}
        finally:
            for p in spinners:
                p.terminate()
        side = result[load]
        side["passive_over_unset"] = {k: round(side["PASSIVE"][k] / side["unset"][k], 3)
                                      for k in ("encode_p50_ms", "encode_p95_ms", "train_200_steps_s")}
    result["load_average_1m"] = round(os.getloadavg()[0], 2)
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
