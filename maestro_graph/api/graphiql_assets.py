"""GraphiQL without internet: its browser files served from the package, not from a CDN.

Strawberry's GraphiQL page loads React, GraphiQL and the explorer plugin from unpkg.com, so a
laptop offline (or a locked-down network) gets a blank page. The same files, as npm publishes
them, are vendored under `api/static/graphiql/<package>@<version>/<file>` by
`scripts/vendor_graphiql.py` (which checks each one against `manifest.json`), and the page's CDN
addresses are rewritten to this app's `/graphql/static/graphiql/...`. The `integrity`
attributes stay: the browser still checks every file it runs.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/graphql/static"
_CDN = re.compile(r"https://unpkg\.com/")


def offline_ide_html(html: str) -> str:
    """The IDE page with every CDN address pointing at the vendored copy."""
    return _CDN.sub(f"{STATIC_PREFIX}/graphiql/", html)


def static_route() -> Mount:
    """`/graphql/static/...`: the vendored files, with content types from their extensions."""
    return Mount(STATIC_PREFIX, app=StaticFiles(directory=STATIC_DIR), name="graphql-static")
