"""Point-read latency while each abusive request runs (127.0.0.1 only, every attack bounded).

Starts `maestro serve --workers 2` on a seeded temporary data dir. For each attack: a thread keeps
doing point reads for the attack's duration while the attack runs; reports how the attack was
answered (status, code, seconds) and the point reads' p50/p99 beside a quiet baseline measured first.
Prints one JSON object.

    python bench/abuse.py [--projects 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from serve_load import free_port, seed, stop, wait_ready  # noqa: E402

POINT = {"query": '{ project(id: "p:7") { id name status } }'}


def fragment_bomb(levels: int = 40) -> str:
    parts = [f"fragment F{i} on Project {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    return '{ project(id: "p:1") { ...F0 } } ' + " ".join(parts) + f" fragment F{levels} on Project {{ id name }}"


FAN_OUT = ('{ projects(first: 100) { edges { node { team { edges { node { projects { edges { node {'
           ' artifacts { edges { node { usedBy { edges { node { id } } } } } } } } } } } } } } }')
WIDE_FILTER = "{ projects(where: {OR: [" + ", ".join(f'{{name: {{contains: "x{i}"}}}}' for i in range(990)) + "]}) { totalCount } }"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def point_reads(base: str, stop_at: threading.Event, out: list[float]) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop_at.is_set():
            start = time.perf_counter()
            client.post("/graphql", json=POINT)
            out.append((time.perf_counter() - start) * 1000)
            time.sleep(0.01)


def post(base: str, **kwargs: Any) -> Callable[[], dict[str, Any]]:
    def attack() -> dict[str, Any]:
        response = httpx.post(f"{base}/graphql", timeout=60, **kwargs)
        try:
            code = (response.json().get("errors") or [{}])[0].get("extensions", {}).get("code")
        except ValueError:
            code = None
        return {"status": response.status_code, "code": code, "response_bytes": len(response.content)}
    return attack


def half_open(port: int, count: int, hold_s: float) -> Callable[[], dict[str, Any]]:
    """`count` connections that send half a request and never finish it; how many the server closed."""
    def attack() -> dict[str, Any]:
        sockets = []
        for _ in range(count):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
                sockets.append(s)
            except OSError:
                break
        time.sleep(hold_s)
        closed = 0
        for s in sockets:
            s.settimeout(0.01)
            try:
                closed += s.recv(1) == b""
            except (TimeoutError, OSError):
                pass
            s.close()
        return {"opened": len(sockets), "closed_by_server": closed}
    return attack


def measure(base: str, name: str, attack: Callable[[], dict[str, Any]], baseline_s: float = 0) -> dict[str, Any]:
    latencies: list[float] = []
    done = threading.Event()
    reader = threading.Thread(target=point_reads, args=(base, done, latencies))
    reader.start()
    start = time.perf_counter()
    outcome = attack() if baseline_s == 0 else (time.sleep(baseline_s) or {})
    elapsed = time.perf_counter() - start
    done.set()
    reader.join()
    return {"attack": name, **outcome, "answered_in_s": round(elapsed, 3), "point_reads": len(latencies),
            "point_p50_ms": percentile(latencies, 0.5), "point_p99_ms": percentile(latencies, 0.99),
            "point_mean_ms": round(statistics.fmean(latencies), 2) if latencies else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--half-open", type=int, default=1100)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="maestro-abuse-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAESTRO_")}
        env |= {"MAESTRO_DATA_DIR": str(work / "data"), "MAESTRO_RATE_LIMIT_PER_MINUTE": "0", "MAESTRO_KEEP_ALIVE_S": "2"}
        seed(work / "seed.jsonl", args.projects)
        subprocess.run([str(bin_dir / "maestro"), "import", str(work / "seed.jsonl")], env=env, check=True,
                       capture_output=True, timeout=300)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        served = subprocess.Popen([str(bin_dir / "maestro"), "serve", "--port", str(port), "--workers", "2"], env=env,
                                  cwd=work, stdout=subprocess.DEVNULL, stderr=(work / "serve.err").open("wb"))
        try:
            wait_ready(f"{base}/healthz", served)
            results.append(measure(base, "quiet baseline (3 s)", lambda: {}, baseline_s=3))
            attacks: list[tuple[str, Callable[[], dict[str, Any]]]] = [
                ("fragment bomb, 40 levels", post(base, json={"query": fragment_bomb()})),
                ("5-hop fan-out projects(first:100)→…→usedBy", post(base, json={"query": FAN_OUT})),
                ("990-condition filter", post(base, json={"query": WIDE_FILTER})),
                ("2 MB body", post(base, content=b" " * 2_000_000, headers={"content-type": "application/json"})),
                ("JSON 1", post(base, content=b"1", headers={"content-type": "application/json"})),
                ("invalid UTF-8", post(base, content=b"\xff\xfe", headers={"content-type": "application/json"})),
                (f"{args.half_open} half-open connections held 4 s", half_open(port, args.half_open, 4.0)),
            ]
            for name, attack in attacks:
                results.append(measure(base, name, attack))
        finally:
            stop(served)
    print(json.dumps({"inputs": vars(args) | {"workers": 2}, "results": results,
                      "machine": {"cpu_count": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                                  "python": platform.python_version()}}, indent=2))


if __name__ == "__main__":
    main()
