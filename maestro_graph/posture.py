"""Production posture: `MAESTRO_ENV=production` refuses to serve an open door.

Checked by `maestro serve` before it binds: anonymous reads must be off, and callers must have a
way in (an unrevoked API key in the graph, or a complete JWT configuration), or the server would
be either open to all or useless to all.
"""

from __future__ import annotations

from maestro_graph.config import Settings
from maestro_graph.errors import MaestroError
from maestro_graph.service.keys import list_keys
from maestro_graph.store.port import GraphStore


class InsecureConfiguration(MaestroError):
    code = "INSECURE_CONFIGURATION"


async def check_production_auth(settings: Settings, store: GraphStore) -> None:
    if settings.env != "production":
        return
    if settings.anonymous_read:
        raise InsecureConfiguration("MAESTRO_ENV=production needs MAESTRO_ANONYMOUS_READ=false")
    if settings.graphiql_api_key is not None and settings.graphiql_api_key.get_secret_value():
        raise InsecureConfiguration("MAESTRO_ENV=production must not set MAESTRO_GRAPHIQL_API_KEY (it is shown to every visitor)")
    if settings.jwt_enabled:
        if not (settings.jwt_issuer and settings.jwt_audience):
            raise InsecureConfiguration("MAESTRO_ENV=production with JWT needs MAESTRO_JWT_ISSUER and MAESTRO_JWT_AUDIENCE")
        return
    if not any(row["revokedAt"] is None for row in await list_keys(store)):
        raise InsecureConfiguration("MAESTRO_ENV=production needs an API key (`maestro keys create --role admin "
                                    "--name ops`) or a JWT configuration (MAESTRO_JWT_SECRET or MAESTRO_JWT_PUBLIC_KEY_FILE)")
