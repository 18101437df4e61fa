"""`maestro serve --workers 3` on a fresh data directory: one bootstrap, every worker up,
metrics aggregated over the workers, and half-open connections closed."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from pathlib import Path

import httpx

from tests.store.test_embedded import MAESTRO, cli_env, free_port, kill_leftover_store, wait_serving


def metric_total(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_three_workers_start_on_a_fresh_data_dir_and_share_metrics(tmp_path: Path) -> None:
    data, port = tmp_path / "fresh-data", free_port()
    env = {**cli_env(data), "MAESTRO_KEEP_ALIVE_S": "1", "MAESTRO_ADMIN_TOKEN": "workers-test"}
    err_path = tmp_path / "serve.err"
    with (tmp_path / "serve.out").open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen([str(MAESTRO), "serve", "--port", str(port), "--workers", "3"], env=env, cwd=tmp_path,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            wait_serving(proc, port, err_path)
            deadline = time.monotonic() + 60
            while err_path.read_text().count("Application startup complete") < 3 and time.monotonic() < deadline:
                time.sleep(0.2)
            log = err_path.read_text()
            assert log.count("Application startup complete") == 3, log[-3000:]
            assert "Traceback" not in log and "startup failed" not in log

            base = f"http://127.0.0.1:{port}"
            created = httpx.post(f"{base}/graphql", json={"query": 'mutation { createProject(input: {id: "p:1", '
                                 'name: "forked"}) { ... on Project { id } } }'}, timeout=10,
                                 headers={"Authorization": "Bearer workers-test"}).json()
            assert created == {"data": {"createProject": {"id": "p:1"}}}
            for _ in range(30):  # new connections: the kernel spreads them over the workers
                read = httpx.post(f"{base}/graphql", json={"query": '{ project(id: "p:1") { name } }'}, timeout=10)
                assert read.json() == {"data": {"project": {"name": "forked"}}}
            text = httpx.get(f"{base}/metrics", timeout=10).text
            assert metric_total(text, "maestro_http_request_seconds_count", route="/graphql", status="200") >= 31

            # a connection that never finishes its headers is closed after the keep-alive timeout
            with socket.create_connection(("127.0.0.1", port), timeout=10) as half_open:
                half_open.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
                assert half_open.recv(1024) == b""
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            kill_leftover_store(data)
    assert proc.returncode == 0, re.sub(r"\s+", " ", err_path.read_text()[-2000:])
