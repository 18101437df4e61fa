"""The embedded FalkorDB's life: durability across a crash, one server per data directory,
stale files, and the same promises as the `maestro` command keeps them.

Every test here runs its own child processes on its own `tmp_path` data directory (never the
session server of conftest), and stops them in a `finally`. Children write to files, never to
a pipe this process waits on.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from maestro_graph.errors import ServerAlreadyRunning
from maestro_graph.ingest.jsonl import import_lines
from maestro_graph.store.embedded import PID_NAME, EmbeddedFalkorDB
from maestro_graph.store.falkordb import FalkorDBStore
from maestro_graph.store.port import GraphStore
from tests.conftest import write_jsonl

MAESTRO = Path(sys.executable).with_name("maestro")
READY_TIMEOUT_S = 60.0


def org(persons: int, projects: int, artifacts: int) -> list[dict]:
    """Every kind of record, every edge valid; `expected_counts` gives the graph it makes."""
    recs: list[dict] = [{"kind": "person", "id": f"u:{i}", "name": f"Person {i}", "role": "ml_engineer"}
                        for i in range(persons)]
    recs += [
        {"kind": "project", "id": f"p:{i}", "name": f"project-{i}", "problemClass": "nlp",
         "complexityScore": 1 + i % 10, "status": "completed",
         "outcome": {"success": i % 3 == 0, "successScore": round(i / projects, 4), "costUsd": 100.0 * i}}
        for i in range(projects)
    ]
    recs += [{"kind": "artifact", "id": f"a:{i}", "name": f"artifact-{i}", "artifactType": "schema",
              "version": f"1.{i}.0", "createdBy": f"u:{i % persons}"} for i in range(artifacts)]
    recs += [{"kind": "membership", "person": f"u:{i % persons}", "project": f"p:{i}", "role": "lead"}
             for i in range(projects)]
    recs += [{"kind": "usage", "project": f"p:{i}", "artifact": f"a:{i % artifacts}", "context": "training"}
             for i in range(projects)]
    recs += [{"kind": "lineage", "from": f"a:{i}", "to": f"a:{i - 1}", "type": "DERIVED_FROM"}
             for i in range(1, artifacts)]
    recs += [{"kind": "metric", "project": f"p:{i}", "type": "commits_per_week", "value": float(i),
              "at": 1_700_000_000_000 + i} for i in range(projects)]
    return recs


def expected_counts(persons: int, projects: int, artifacts: int) -> tuple[int, int]:
    """Nodes: persons, projects, artifacts, metrics. Edges: MEMBER_OF, USED, DERIVED_FROM, CREATED, HAS_METRIC."""
    return persons + projects + artifacts + projects, projects + projects + (artifacts - 1) + artifacts + projects


async def counts(store: GraphStore) -> tuple[int, int]:
    row = (await store.read("graph_counts"))[0]
    return row["nodes"], row["edges"]


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie (a killed, unreaped child still answers kill 0)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_dead(pid: int, timeout_s: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def kill_leftover_store(data_dir: Path) -> None:
    """Last-resort cleanup: SIGKILL the redis-server named by the pid file, if it serves `data_dir`."""
    try:
        pid = int((data_dir / PID_NAME).read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return
    if b"redis-server" in cmdline and str(data_dir.resolve()).encode() in cmdline:
        os.kill(pid, signal.SIGKILL)
        wait_dead(pid, 10)


# -- the server object -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fsync", "scale"),
    # scale 10 (~20k lines) guards against FalkorDB's slow replay of a long append-only file:
    # before imports compacted it (store.checkpoint), such a restart hung for minutes.
    [("everysec", 1), ("always", 1), ("everysec", 10)],
)
async def test_acknowledged_imports_survive_a_sigkill_of_the_server(tmp_path: Path, fsync: str, scale: int) -> None:
    shape = {"persons": 100 * scale, "projects": 400 * scale, "artifacts": 200 * scale}
    lines = [json.dumps(r) for r in org(**shape)]
    assert len(lines) >= 2000
    server = EmbeddedFalkorDB(tmp_path, fsync=fsync).start()
    try:
        store = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="durable", pool_size=2)
        try:
            await store.bootstrap()
            report = await import_lines(store, lines, batch_size=250)
            assert sum(report.created.values()) == report.records
            assert await counts(store) == expected_counts(**shape)
        finally:
            await store.close()

        killed = server.pid
        assert killed is not None
        os.kill(killed, signal.SIGKILL)
        server.stop()  # on a dead child this only reaps it
        assert not alive(killed)
        assert server.socket_path.exists() and server.pid_path.exists()  # what a crash leaves behind
    finally:
        server.stop()
        kill_leftover_store(tmp_path)

    restarted = EmbeddedFalkorDB(tmp_path, fsync=fsync).start()
    try:
        assert restarted.pid != killed
        store = FalkorDBStore.connect(socket_path=str(restarted.socket_path), graph="durable", pool_size=2)
        try:
            assert await counts(store) == expected_counts(**shape)
            page = {"after": "", "limit": shape["projects"]}
            projects = {r["props"]["id"]: r["props"] for r in await store.read("export_projects", page)}
            assert len(projects) == shape["projects"]
            assert projects["p:0"]["success"] is True and projects["p:1"]["success"] is False
            assert projects["p:399"]["name"] == "project-399" and projects["p:399"]["complexityScore"] == 10
            if scale == 1:  # p:200 values depend on the shape
                assert projects["p:200"]["successScore"] == pytest.approx(0.5) and projects["p:200"]["costUsd"] == 20000.0
            artifacts = {r["props"]["id"]: r["props"] for r in await store.read("export_artifacts", page)}
            assert artifacts["a:42"]["version"] == "1.42.0" and artifacts["a:42"]["createdBy"] == "u:42"
            # the schema came back too: importing the same lines again finds every node already there
            again = await import_lines(store, lines, batch_size=250)
            assert sum(again.created.values()) == 0
            assert await counts(store) == expected_counts(**shape)
        finally:
            await store.close()
    finally:
        restarted.stop()
        kill_leftover_store(tmp_path)


async def test_a_store_restarts_promptly_after_many_plain_writes_and_a_sigkill(tmp_path: Path) -> None:
    """Writes that are not imports (mutations) follow the schema DDL in the append-only file.

    FalkorDB 4.16 replays writes that follow index creation so slowly that a restart after 30
    batches of 1,000 projects took 69 s, past the server's start-up timeout; bootstrap now
    compacts the file once the schema exists.
    """
    server = EmbeddedFalkorDB(tmp_path).start()
    try:
        store = FalkorDBStore.connect(socket_path=str(server.socket_path), graph="mutated", pool_size=2)
        try:
            await store.bootstrap()
            for batch in range(30):
                rows = [{"id": f"p:{batch}:{i}", "props": {"name": f"n{i}", "tags": ["x"]}} for i in range(1000)]
                await store.write("import_projects", {"rows": rows})
        finally:
            await store.close()
        killed = server.pid
        assert killed is not None
        os.kill(killed, signal.SIGKILL)
        server.stop()
    finally:
        server.stop()
        kill_leftover_store(tmp_path)

    restarted = EmbeddedFalkorDB(tmp_path).start()  # raises StoreUnavailable if not ready in 30 s
    try:
        store = FalkorDBStore.connect(socket_path=str(restarted.socket_path), graph="mutated", pool_size=2)
        try:
            assert await counts(store) == (30_000, 0)
        finally:
            await store.close()
    finally:
        restarted.stop()
        kill_leftover_store(tmp_path)


def test_a_second_start_on_a_served_directory_is_refused_and_attach_reuses_the_first(tmp_path: Path) -> None:
    first = EmbeddedFalkorDB(tmp_path).start()
    try:
        with pytest.raises(ServerAlreadyRunning) as err:
            EmbeddedFalkorDB(tmp_path).start()
        message = err.value.message
        assert "already serves" in message and str(first.pid) in message and str(tmp_path.resolve()) in message
        assert first.running() and first.pid_path.exists()  # the refusal touched nothing of the first

        second = EmbeddedFalkorDB(tmp_path).attach()
        assert second.owned is False and first.owned is True
        assert second.pid == first.pid
        second.stop()
        assert first.running() and alive(first.pid)
    finally:
        first.stop()
        kill_leftover_store(tmp_path)
    assert not first.running()


def _dangling_socket(path: Path) -> None:
    """A unix socket file that nobody listens on, as a killed server leaves it."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.bind(str(path))
    assert path.exists()


@pytest.mark.parametrize(
    "pid_text",
    [
        pytest.param(lambda: "garbage\n", id="garbage"),
        pytest.param(lambda: str(_reaped_pid()), id="dead-pid"),
        pytest.param(lambda: str(os.getpid()), id="pid-reused-by-another-process"),
    ],
)
def test_stale_pid_and_socket_files_do_not_block_a_start(tmp_path: Path, pid_text: Callable[[], str]) -> None:
    server = EmbeddedFalkorDB(tmp_path)
    server.pid_path.write_text(pid_text())
    _dangling_socket(server.socket_path)
    try:
        server.start()
        assert server.running() and server.owned
        assert int(server.pid_path.read_text()) == server.pid
    finally:
        server.stop()
        kill_leftover_store(tmp_path)


def _reaped_pid() -> int:
    proc = subprocess.Popen(["true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.wait()
    return proc.pid


# -- the command line --------------------------------------------------------------------------


def cli_env(data_dir: Path) -> dict[str, str]:
    """The caller's environment without its MAESTRO_ settings: the embedded store on `data_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAESTRO_")}
    env["MAESTRO_DATA_DIR"] = str(data_dir)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(args: list[str], data_dir: Path, workdir: Path, timeout_s: float = 120.0) -> tuple[int, str, str]:
    """Run `maestro ARGS` to completion; output goes through files, so no grandchild can hold a pipe."""
    out, err = workdir / "cli.out", workdir / "cli.err"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.run([str(MAESTRO), *args], env=cli_env(data_dir), cwd=workdir,
                              stdin=subprocess.DEVNULL, stdout=o, stderr=e, timeout=timeout_s)
    return proc.returncode, out.read_text(), err.read_text()


@contextmanager
def serving(data_dir: Path, port: int, workdir: Path, name: str) -> Iterator[subprocess.Popen[bytes]]:
    """`maestro serve` as a child; whatever the test did, it and its store are gone afterwards."""
    out, err = (workdir / f"{name}.out").open("wb"), (workdir / f"{name}.err").open("wb")
    proc = subprocess.Popen([str(MAESTRO), "serve", "--port", str(port)], env=cli_env(data_dir), cwd=workdir,
                            stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        out.close()
        err.close()
        kill_leftover_store(data_dir)


def wait_serving(proc: subprocess.Popen[bytes], port: int, stderr_file: Path) -> dict:
    """Poll `GET /` until the app answers; fail with the server's stderr if it exits or hangs."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"maestro serve exited with {proc.returncode}:\n{stderr_file.read_text()[-3000:]}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/", timeout=2.0)
            if response.status_code == 200:
                return response.json()
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"maestro serve not ready in {READY_TIMEOUT_S:.0f}s:\n{stderr_file.read_text()[-3000:]}")


def store_pid(data_dir: Path) -> int:
    return int((data_dir / PID_NAME).read_text().strip())


def test_serve_is_exclusive_per_data_directory_and_takes_its_store_down_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    with serving(data, port, tmp_path, "first") as first:
        root = wait_serving(first, port, tmp_path / "first.err")
        assert root["app"] == "Maestro ML Platform" and root["status"] == "running" and "version" in root
        redis_pid = store_pid(data)
        assert alive(redis_pid)

        code, _, err = run_cli(["serve", "--port", str(free_port())], data, tmp_path, timeout_s=30)
        assert code == 1
        assert "already running" in " ".join(err.split())
        assert "Traceback" not in err
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200  # the first one still serves

        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0
        assert wait_dead(redis_pid, 5), "the serve process exited but its redis-server lives on"


def test_a_new_serve_starts_on_a_directory_whose_previous_serve_was_killed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    with serving(data, port, tmp_path, "killed") as killed:
        wait_serving(killed, port, tmp_path / "killed.err")
        redis_pid = store_pid(data)
        killed.kill()
        killed.wait(30)
        # the store was a child of the killed process: it goes too (PR_SET_PDEATHSIG)
        assert wait_dead(redis_pid, 30), "kill -9 of maestro serve left its redis-server running"

    port = free_port()
    with serving(data, port, tmp_path, "next") as after:
        assert wait_serving(after, port, tmp_path / "next.err")["status"] == "running"
        assert store_pid(data) != redis_pid
        after.send_signal(signal.SIGTERM)
        assert after.wait(30) == 0


def test_maestro_import_prints_a_summary_and_exits_0(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = write_jsonl(tmp_path / "org.jsonl", org(persons=5, projects=20, artifacts=8))
    try:
        code, out, err = run_cli(["import", str(path)], data, tmp_path)
        assert code == 0, err
        assert "org.jsonl" in out and "created" in out and "projects" in out
        assert "Traceback" not in err
        # the command started a store for its own duration only
        pid_file = data / PID_NAME
        assert not pid_file.exists() or not alive(store_pid(data))
    finally:
        kill_leftover_store(data)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"kind": "person", "id": "u:1", "name": "Ada"}\n{"kind": "projekt", "id": "p:1", "name": "x"}\n',
         "line 2: unknown kind 'projekt'"),
        (b'{"kind": "person", "id": "u:1", "name": "Ada"}\n{"kind": "person", "id": "u:2", "name": "B"}\n{not json\n',
         "line 3: not valid JSON"),
        (b'{"kind": "person", "id": "u:1", "name": "Ada"}\n{"kind": "person", "id": "u:2", "name": "\xff"}\n',
         "line 2"),
    ],
    ids=["unknown-kind", "broken-json", "not-utf8"],
)
def test_maestro_import_of_a_bad_file_exits_1_with_one_line_naming_the_line(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    data = tmp_path / "data"
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    try:
        code, _, err = run_cli(["import", str(path)], data, tmp_path)
        assert "Traceback" not in err
        assert code == 1
        assert expected in err
        assert len(err.strip().splitlines()) == 1, f"not one line:\n{err}"
    finally:
        kill_leftover_store(data)


def test_a_store_that_loads_longer_than_the_start_timeout_says_which_setting_to_raise(tmp_path: Path) -> None:
    """A large graph loads for minutes (FalkorDB rebuilds its indexes: 129 s at 100k projects with
    vectors). The wait is MAESTRO_STORE_START_TIMEOUT_S (default 900 s, was a fixed 30 s, which
    no 100k graph could start within); past it the command names the setting and leaves no store."""
    data = tmp_path / "data"
    path = write_jsonl(tmp_path / "org.jsonl", org(persons=2, projects=2, artifacts=1))
    env = {**cli_env(data), "MAESTRO_STORE_START_TIMEOUT_S": "0.001"}  # shorter than any start
    try:
        with (tmp_path / "cli.err").open("wb") as e:
            code = subprocess.run([str(MAESTRO), "import", str(path)], env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=e, timeout=120).returncode
        err = (tmp_path / "cli.err").read_text()
        assert code == 1 and "Traceback" not in err
        assert "did not become ready" in err and "MAESTRO_STORE_START_TIMEOUT_S" in err
        assert not (data / PID_NAME).exists() or not alive(store_pid(data))
    finally:
        kill_leftover_store(data)


ATTACH_SNIPPET = """
import sys, time
from maestro_graph.store.embedded import EmbeddedFalkorDB
server = EmbeddedFalkorDB(sys.argv[1]).attach()
print(server.pid, server.owned, flush=True)
time.sleep(1.0)
server.stop()
"""


def test_two_commands_starting_together_share_one_server(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", ATTACH_SNIPPET, str(tmp_path)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True) for _ in range(2)]
    try:
        outs = [p.communicate(timeout=90)[0].split() for p in procs]
        assert all(p.returncode == 0 for p in procs)
        pids = {out[0] for out in outs}
        owners = [out[1] for out in outs]
        assert len(pids) == 1, f"two servers were started on one data directory: {pids}"
        assert sorted(owners) == ["False", "True"]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        kill_leftover_store(tmp_path)


def test_the_owner_waits_for_a_command_that_attached_before_stopping(tmp_path: Path) -> None:
    import threading

    owner = EmbeddedFalkorDB(tmp_path).start()
    user = EmbeddedFalkorDB(tmp_path).attach()
    stopper = threading.Thread(target=owner.stop)
    try:
        assert not user.owned
        stopper.start()
        stopper.join(timeout=1.0)
        assert stopper.is_alive(), "the owner stopped the server while another command used it"
        assert user.running()
        user.stop()
        stopper.join(timeout=30)
        assert not stopper.is_alive() and not owner.running()
    finally:
        user.stop()
        stopper.join(timeout=30)
        owner.stop()
        kill_leftover_store(tmp_path)
