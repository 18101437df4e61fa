"""GraphiQL and the landing page work without internet: every asset they name is served here."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from maestro_graph.api.graphiql_assets import STATIC_DIR
from maestro_graph.api.graphql import EXAMPLE_QUERIES
from tests.api.conftest import Api

CONTENT_TYPES = {".js": "javascript", ".css": "text/css"}


class _Refs(HTMLParser):
    """Every address the page makes the browser load or link to (src and href attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str | None]] = []  # (address, integrity)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        elif values.get("src") or values.get("href"):
            self.loads.append(((values.get("src") or values.get("href") or "").strip(), values.get("integrity")))


def _refs(html: str) -> _Refs:
    parser = _Refs()
    parser.feed(html)
    return parser


async def test_graphiql_loads_only_local_assets_and_each_one_is_served_with_its_integrity(api: Api) -> None:
    page = (await api.client.get("/graphql", headers={"Accept": "text/html"})).text
    loads = [(address, integrity) for address, integrity in _refs(page).loads if not address.startswith("data:")]
    assert len(loads) == 7  # React, ReactDOM, js-cookie, GraphiQL js+css, explorer js+css
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    for address, integrity in loads:
        assert address.startswith("/graphql/static/graphiql/"), address
        response = await api.client.get(address)
        assert response.status_code == 200, address
        assert CONTENT_TYPES[Path(address).suffix] in response.headers["content-type"]
        digest = "sha384-" + base64.b64encode(hashlib.sha384(response.content).digest()).decode()
        assert digest == integrity, address  # what the browser checks before running it


def test_the_vendored_files_match_their_manifest() -> None:
    manifest = json.loads((STATIC_DIR / "graphiql" / "manifest.json").read_text())["files"]
    for entry in manifest:
        data = (STATIC_DIR / "graphiql" / f"{entry['package']}@{entry['version']}" / entry["file"]).read_bytes()
        assert "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode() == entry["integrity"]


async def test_an_unknown_static_file_is_a_404(api: Api) -> None:
    assert (await api.client.get("/graphql/static/graphiql/react@18.2.0/nope.js")).status_code == 404
    assert (await api.client.get("/graphql/static/../app.py")).status_code == 404


def test_example_queries_fit_90_columns() -> None:
    assert max(len(line) for line in EXAMPLE_QUERIES.splitlines()) <= 90


async def test_root_gives_api_clients_json_and_browsers_a_page_of_links(api: Api) -> None:
    as_client = await api.client.get("/", headers={"Accept": "application/json"})
    assert as_client.json()["app"] == "Maestro ML Platform"
    browser = await api.client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/html")
    refs = _refs(browser.text)
    assert set(refs.links) == {"/graphql", "/healthz", "/metrics"}
    assert refs.loads == []
    for link in refs.links:
        assert (await api.client.get(link, headers={"Accept": "text/html"})).status_code == 200


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="the headless check needs /usr/bin/chromium")
def test_graphiql_renders_in_a_headless_browser_with_no_network(tmp_path: Path) -> None:
    """Serve the real app on a loopback port and let chromium (which can reach nothing else)
    render GraphiQL: the DOM then holds GraphiQL's editor, which only its scripts create, and
    the page has run its first query (schema introspection) against the app."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"MAESTRO_DATA_DIR": str(tmp_path / "data"), "MAESTRO_PORT": str(port), "PATH": "/usr/bin:/bin",
           "MAESTRO_ACCESS_LOG": "true"}  # the test reads the query's arrival from the access log
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "maestro_graph.cli", "serve"], env=env, cwd=tmp_path,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        dom = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9",
             "--proxy-bypass-list=127.0.0.1", f"--user-data-dir={tmp_path / 'chromium'}",
             "--virtual-time-budget=10000", "--dump-dom",
             f"http://127.0.0.1:{port}/graphql"],
            capture_output=True, text=True, timeout=120,
        ).stdout
    finally:
        server.terminate()
        server.wait(30)
    assert "graphiql-editor" in dom, dom[:500]
    assert '"POST /graphql HTTP/1.1" 200' in log.read_text()
