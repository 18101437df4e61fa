"""Every question GraphiQL opens with passes the query limits and runs, with typed errors only.

The examples were written by several branches; the hop and node limits came from another.
A visitor's first click must not answer GRAPHQL_VALIDATION_FAILED (or an internal error).
"""

from __future__ import annotations

import asyncio
import re

from maestro_graph.api.embedding import make_encoder
from maestro_graph.api.graphql import EXAMPLE_QUERIES
from maestro_graph.demo.generate import generate
from tests.api.conftest import Api, load, settings_for_tests

OPERATIONS = re.findall(r"^query (\w+)", EXAMPLE_QUERIES, flags=re.MULTILINE)
TYPED = {"NO_MODEL", "NOT_FOUND"}  # what a small graph without a trained model may answer


async def test_every_example_query_runs_within_the_limits(api: Api) -> None:
    await load(api.store, generate(3, projects=60, artifacts=20, people=15))
    encoder = make_encoder(settings_for_tests())
    if encoder is not None:  # loading the model once per process is not what the examples measure
        await asyncio.to_thread(encoder.load)
    assert len(OPERATIONS) >= 5
    for name in OPERATIONS:
        response = await api.client.post("/graphql", json={"query": EXAMPLE_QUERIES, "operationName": name})
        body = response.json()
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
        assert codes <= TYPED, (name, body.get("errors"))
        assert body.get("data") or codes, name  # an answer, or only the typed errors above
