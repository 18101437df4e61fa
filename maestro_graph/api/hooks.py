"""`POST /hooks/github`: signed GitHub webhooks (`workflow_run` completed -> CI metrics).

The signature is checked on the raw body before anything is parsed: GitHub signs the bytes it
sends (`X-Hub-Signature-256: sha256=<HMAC-SHA256(secret, body)>`), and the comparison is
constant-time so response timing reveals nothing about the expected digest.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from maestro_graph.errors import MaestroError
from maestro_graph.ingest.ci import workflow_run_event



def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    if not header or not secret:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


async def github_hook(request: Request) -> JSONResponse:
    secret = request.app.state.settings.github_webhook_secret
    if secret is None:
        return JSONResponse({"error": "webhooks are not configured (MAESTRO_GITHUB_WEBHOOK_SECRET)"}, status_code=503)
    body = await request.body()
    if not signature_ok(secret.get_secret_value(), body, request.headers.get("x-hub-signature-256")):
        return JSONResponse({"error": "bad signature"}, status_code=401)
    event = request.headers.get("x-github-event", "")
    if event != "workflow_run":
        return JSONResponse({"status": "ignored", "reason": f"event {event or 'missing'} is not handled"}, status_code=202)
    try:
        payload = json.loads(body)
        projects = await workflow_run_event(request.app.state.store, payload)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return JSONResponse({"error": "body is not JSON"}, status_code=400)
    except MaestroError as exc:
        return JSONResponse({"error": exc.message, "code": exc.code}, status_code=400)
    if not projects:
        return JSONResponse({"status": "ignored", "reason": "no project has this repository, or the run does not count"},
                            status_code=202)
    return JSONResponse({"status": "recorded", "projects": projects})


def hook_routes() -> list[Route]:
    return [Route("/hooks/github", github_hook, methods=["POST"])]
