"""GraphQL over HTTP at `/graphql`: the Strawberry ASGI view, its context, and error masking.

Errors a client can act on (bad input, unknown ids) carry `extensions.code` and `field`;
anything else is logged and replaced by a generic message, so no stack trace, Cypher text or
store detail ever reaches a client.
"""

from __future__ import annotations

import json
import re
from typing import Any

import strawberry
from graphql import GraphQLError
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from maestro_graph.api.context import Context, build_context
from maestro_graph.api.graphiql_assets import offline_ide_html, static_route
from maestro_graph.api.compiled_reads import CompiledNestedReads
from maestro_graph.api.point_reads import CompiledPointReads
from maestro_graph.api.schema import build_schema
from maestro_graph.config import Settings
from maestro_graph.errors import MaestroError

EXAMPLE_QUERIES = """# Maestro Graph: a few questions to start from.
# Ctrl-Enter runs the one under the cursor.

# Which artifacts did the successful classification projects use?
query SuccessfulClassification {
  projects(where: {problemClass: {eq: CLASSIFICATION}, success: {eq: true}}, first: 5,
           orderBy: {field: SUCCESS_SCORE, direction: DESC}) {
    totalCount
    edges { node { name outcome { successScore durationDays }
      artifacts(first: 5) { edges { context impact node { name version } } } } }
  }
}

# Who worked on projects that used the transactions feature pipeline, in which roles?
query PipelineTeams {
  projects(where: {usesArtifact: {name: "feature-pipeline-transactions"}}, first: 5) {
    edges { node { name team { totalCount edges { role node { name } } } } }
  }
}

# Search the music library, then look at an artifact's versions, lineage and companions.
query Library {
  searchArtifacts(query: "text encoder", first: 3) {
    edges { score impactScore node { id name version
      versions { edges { node { version } } }
      lineage(direction: BOTH, depth: 3) { edges { depth path node { name } } }
      coUsedWith(first: 3) { edges { count node { name version } } }
      impactEstimate { score low high n } impactByClass { problemClass score n } } }
  }
}

# The meta-model (after `maestro train`): what should an active project use,
# and how will it go?
query Predictions {
  recommendArtifacts(projectId: "p:0410", k: 5) {
    edges { score reasons node { name version } }
  }
  predictOutcome(projectId: "p:0410") {
    successProbability successInterval { low high }
    durationDays { p10 p50 p90 } costUsd { p10 p50 p90 } modelVersion explanation
  }
}

# Advice for a project being planned: team size (associational), artifacts,
# predicted outcome.
query Plan {
  recommendations(input: {problemClass: "nlp", complexityScore: 6, tags: ["nlp"],
                          description: "Summarise support tickets"}) {
    recommendedTeamSize note
    teamSizeCurve { teamSize successProbability interval { low high } extrapolated }
    artifacts { edges { score node { name } } }
    predictedOutcome { successProbability durationDays { p50 } }
  }
  modelInfo { version trainedAt tasks { task chosen reason } backtest { n brier } }
}
"""


def _format_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    formatted: dict[str, Any] = {"message": error.message}
    if error.path:
        formatted["path"] = error.path
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error  # coercion wraps a scalar's error once more
    if isinstance(original, MaestroError):
        formatted["message"] = original.message
        formatted["extensions"] = {"code": original.code, "field": original.field}
    elif error.extensions and "code" in error.extensions:  # e.g. INTERNAL set by the request policy's masking
        formatted["extensions"] = {"code": error.extensions["code"]}
    elif original is not None and not isinstance(original, GraphQLError):
        formatted["message"] = "internal error"  # logged with its traceback by MaestroSchema
        formatted["extensions"] = {"code": "INTERNAL"}
    else:  # a validation or syntax error about the query itself: safe and useful to show
        formatted["extensions"] = {"code": "GRAPHQL_VALIDATION_FAILED"}
        if error.locations:
            formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    return formatted


def prefill_headers(html: str, api_key: SecretStr | None) -> str:
    """Start GraphiQL's Headers tab with `Authorization: Bearer <key>` (the demo's editor key), so a
    visitor can run mutations at once; headers given in the page's URL still win."""
    if api_key is None or not api_key.get_secret_value():
        return html
    headers = json.dumps({"Authorization": f"Bearer {api_key.get_secret_value()}"}, indent=2)
    literal = json.dumps(headers).replace("</", "<\\/")
    return html.replace("React.useState(parameters.headers)", f"React.useState(parameters.headers || {literal})", 1)


class MaestroGraphQL(GraphQL):
    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:  # type: ignore[override]
        return build_context(request)  # type: ignore[arg-type]

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:  # type: ignore[override]
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            data["errors"] = [_format_error(e) for e in result.errors]
        return data

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:  # type: ignore[override]
        html = re.sub(
            r"const EXAMPLE_QUERY = `.*?`;",
            lambda _: "const EXAMPLE_QUERY = `" + EXAMPLE_QUERIES.replace("`", "\\`") + "`;",
            offline_ide_html(self.graphql_ide_html), count=1, flags=re.S,
        )
        html = prefill_headers(html, request.app.state.settings.graphiql_api_key)
        return HTMLResponse(html.replace("Strawberry GraphiQL", "Maestro Graph · GraphiQL"))


def schema_for(settings: Settings) -> strawberry.Schema:
    """The schema with the settings' limits; introspection off in production unless asked."""
    production = settings.env == "production"
    introspection = settings.introspection if settings.introspection is not None else not production
    return build_schema(
        introspection=introspection, max_hops=settings.max_query_hops, max_nodes=settings.max_query_nodes,
        default_first=settings.default_page_size, max_first=settings.max_page_size,
    )


def graphql_routes(settings: Settings) -> list[BaseRoute]:
    """GraphiQL follows the settings too (off in production unless asked)."""
    graphiql = settings.graphiql if settings.graphiql is not None else settings.env != "production"
    schema = schema_for(settings)
    view = MaestroGraphQL(schema, graphql_ide="graphiql" if graphiql else None, allow_queries_via_get=False)
    return [Route("/graphql", CompiledPointReads(CompiledNestedReads(view, schema), schema), methods=["GET", "POST"]), static_route()]
