"""GraphQL serving under load: `maestro serve --workers 2` against a bare Starlette JSON app.

Needs `wrk` (Debian: `apt-get install -y wrk`). Both servers run on 127.0.0.1 with uvloop +
httptools, 2 workers, no access log; each case is a short wrk run (default 10 s, 32 connections).
Cases: a point read, a filtered list page, a 2-hop nested read (project → team → their projects).
Prints one JSON object: requests/s, p50/p99 per case, each case's ratio to the bare app, and the
server's CPU per request (workers and embedded FalkorDB, from /proc), which a loaded machine
disturbs far less than requests/s.

With `--baseline REF` the same cases also run, in the same run and on the same data, against the
code of git revision REF (its `maestro_graph/` and `cypher/`, extracted with `git archive` and put
first on PYTHONPATH), so a change is measured before and after under the same machine load.

    python bench/serve_load.py [--seconds 10] [--connections 32] [--projects 2000] [--baseline REF]
                               [--cases a,b] [--setting NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def _hello(request: Any) -> JSONResponse:
    return JSONResponse({"data": {"project": {"id": "p:1", "name": "bare"}}})


bare_app = Starlette(routes=[Route("/", _hello, methods=["GET", "POST"])])

CASES = {
    "point_read": '{ project(id: "p:7") { id name problemClass complexityScore status } }',
    "filtered_page": '{ projects(where: {problemClass: {eq: CLASSIFICATION}, complexityScore: {gte: 5}}, first: 20)'
                     ' { edges { node { id name complexityScore } } } }',
    "nested_2_hops": '{ project(id: "p:7") { team(first: 10) { edges { node { name projects(first: 5)'
                     ' { edges { node { name status } } } } } } } }',
}
CLASSES = ["classification", "regression", "nlp", "vision", "timeseries"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} not ready in {timeout_s} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def seed(path: Path, projects: int) -> None:
    lines = []
    for i in range(projects):
        lines.append({"kind": "project", "id": f"p:{i}", "name": f"project-{i}", "problemClass": CLASSES[i % 5],
                      "complexityScore": 1 + i % 10, "status": "completed"})
    for u in range(projects // 4):
        lines.append({"kind": "person", "id": f"u:{u}", "name": f"person-{u}", "role": "ml_engineer"})
    for i in range(projects):
        for k in range(4):
            lines.append({"kind": "membership", "person": f"u:{(i * 3 + k * 7) % (projects // 4)}", "project": f"p:{i}"})
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))


def wrk(url: str, body: str | None, seconds: int, connections: int, workdir: Path) -> dict[str, float]:
    script = workdir / "post.lua"
    if body is not None:
        script.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                          f"wrk.body = {json.dumps(json.dumps({'query': body}))}\n")
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if body is not None:
        args[1:1] = ["-s", str(script)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60).stdout

    def latency_ms(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"requests_per_s": float(rps.group(1)) if rps else 0.0, "p50_ms": latency_ms("50%"),
            "p99_ms": latency_ms("99%"), "non_2xx": int(errors.group(1)) if errors else 0}


def tree_cpu_s(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and its descendants (Linux /proc)."""
    listing = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for line in listing.splitlines():
        pid, ppid = (int(x) for x in line.split())
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def wait_idle(pid: int, timeout_s: float = 90) -> float:
    """Wait until the server's start-up work (the query encoder's warm-up, the similarity snapshot)
    is over: under 5% of a core for two seconds in a row. Measuring during it charged each worker's
    ~7 s of start-up CPU to the first case. Returns the seconds waited."""
    started = time.monotonic()
    quiet, before = 0, tree_cpu_s(pid)
    while time.monotonic() - started < timeout_s and quiet < 2:
        time.sleep(1)
        now = tree_cpu_s(pid)
        quiet = quiet + 1 if now - before < 0.05 else 0
        before = now
    return round(time.monotonic() - started, 1)


def serve_cases(bin_dir: Path, env: dict[str, str], work: Path, cases: dict[str, str], seconds: int, connections: int,
                bare_rps: float) -> dict[str, dict[str, float]]:
    """`maestro serve --workers 2` under `env`, every case in turn under wrk."""
    port = free_port()
    served = subprocess.Popen([str(bin_dir / "maestro"), "serve", "--port", str(port), "--workers", "2"], env=env,
                              cwd=work, stdout=subprocess.DEVNULL, stderr=(work / "serve.err").open("wb"))
    figures_of: dict[str, dict[str, float]] = {}
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", served)
        wait_idle(served.pid)
        for name, query in cases.items():
            cpu_before = tree_cpu_s(served.pid)
            figures = wrk(f"http://127.0.0.1:{port}/graphql", query, seconds, connections, work)
            requests = figures["requests_per_s"] * seconds
            # the server's own CPU (workers + embedded FalkorDB) per request: far less sensitive to other load than requests/s
            figures["server_cpu_ms_per_request"] = round(1000 * (tree_cpu_s(served.pid) - cpu_before) / max(requests, 1), 3)
            figures["ratio_to_bare"] = round(figures["requests_per_s"] / bare_rps, 4)
            figures_of[name] = figures
    finally:
        stop(served)
    return figures_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--baseline", help="also measure the code of this git revision, in the same run")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of: " + ", ".join(CASES))
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a server setting for both sides, e.g. COMPILED_NESTED_READS=false (MAESTRO_ prefix added; "
                             "a baseline that does not know it ignores it)")
    args = parser.parse_args()
    if any("=" not in setting for setting in args.setting):
        parser.error("--setting takes NAME=VALUE")
    cases = {name: CASES[name] for name in args.cases.split(",")}
    if shutil.which("wrk") is None:
        raise SystemExit("bench/serve_load.py needs wrk: apt-get install -y wrk")
    bin_dir = Path(sys.executable).parent
    result: dict[str, Any] = {"inputs": vars(args) | {"workers": 2}}
    with tempfile.TemporaryDirectory(prefix="maestro-load-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAESTRO_")}
        env |= {"MAESTRO_DATA_DIR": str(work / "data"), "MAESTRO_RATE_LIMIT_PER_MINUTE": "0"}
        env |= {f"MAESTRO_{name.upper()}": value for name, value in (s.split("=", 1) for s in args.setting)}
        seed(work / "seed.jsonl", args.projects)
        subprocess.run([str(bin_dir / "maestro"), "import", str(work / "seed.jsonl")], env=env, check=True,
                       capture_output=True, timeout=300)

        port = free_port()
        bare = subprocess.Popen([str(bin_dir / "uvicorn"), "--app-dir", str(Path(__file__).parent), "serve_load:bare_app",
                                 "--port", str(port), "--workers", "2", "--loop", "uvloop", "--http", "httptools",
                                 "--no-access-log", "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(f"http://127.0.0.1:{port}/", bare)
            result["bare_starlette"] = wrk(f"http://127.0.0.1:{port}/", None, args.seconds, args.connections, work)
        finally:
            stop(bare)

        sides: list[tuple[str, dict[str, str]]] = [("served", env)]
        if args.baseline:
            baseline = work / "baseline"
            baseline.mkdir()
            archive = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent.parent), "archive", args.baseline,
                                      "maestro_graph", "cypher"], capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True)
            sides.insert(0, ("baseline", env | {"PYTHONPATH": str(baseline)}))
        bare_rps = result["bare_starlette"]["requests_per_s"] or float("nan")
        for side, side_env in sides:
            figures_of = serve_cases(bin_dir, side_env, work, cases, args.seconds, args.connections, bare_rps)
            if side == "baseline":
                result["baseline"] = {"ref": args.baseline, **figures_of}
            else:
                result.update(figures_of)
        if args.baseline:
            result["speedup_over_baseline"] = {
                name: round(result[name]["requests_per_s"] / (result["baseline"][name]["requests_per_s"] or float("nan")), 3)
                for name in cases}
            result["server_cpu_saved"] = {
                name: round(1 - result[name]["server_cpu_ms_per_request"] / result["baseline"][name]["server_cpu_ms_per_request"], 3)
                for name in cases}
    result["machine"] = {"cpu_count": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                         "python": platform.python_version(), "platform": platform.platform()}
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
