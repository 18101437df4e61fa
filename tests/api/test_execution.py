"""The app's executor (api/execution.py) answers exactly as Strawberry's own, only faster.

Each query runs twice over the same store and app: once with `PlainFieldsExecutionContext` (what
the app serves) and once with Strawberry's `StrawberryGraphQLCoreExecutionContext`; the two
responses must be the same bytes. A small in-memory schema covers what real data cannot produce
(a null in a non-null field, a value a scalar or an enum refuses, awaitable list items).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql.execution import Executor
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from maestro_graph.api.execution import PlainFieldsExecutionContext
from maestro_graph.api.graphql import schema_for
from maestro_graph.api.types.common import SCALARS, EpochMillis
from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, assert_no_leak, load, serve
from tests.api.test_prefetch import EVERYTHING, NESTED, RICH
from tests.api.test_traversals import ARTIFACTS, MEMBERS, PEOPLE, PROJECTS, USAGES


@pytest.fixture
async def org(store: GraphStore) -> AsyncIterator[Api]:
    await load(store, PEOPLE + PROJECTS + ARTIFACTS + MEMBERS + USAGES + [
        RICH, {"kind": "membership", "person": "u:ada", "project": "p:rich", "role": "lead"},
        {"kind": "usage", "project": "p:rich", "artifact": "a:enc", "context": "training", "score": 0.3}])
    # the executor is what these tests are about: compiled nested reads (test_compiled_reads.py) off
    async with serve(store, max_query_hops=8, max_query_nodes=10**7, rate_limit_per_minute=0,
                     compiled_nested_reads=False) as served:
        yield served


class FieldCount:
    """Counts graphql-core's normal per-field path (`Executor.execute_field`), whichever executor runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        normal = Executor.execute_field

        def counted(executor: Any, *args: Any) -> Any:
            self.calls += 1
            return normal(executor, *args)

        monkeypatch.setattr(Executor, "execute_field", counted)


async def both(api: Api, monkeypatch: pytest.MonkeyPatch, query: str, **variables: Any) -> dict[str, Any]:
    """The body of `query`, after checking that both executors answer with the same bytes.

    `body["normal_fields"]` says how many fields took graphql-core's normal path with each executor.
    """
    payload = {"query": query, "variables": variables}
    served = schema_for(api.app.state.settings)
    assert served.execution_context_class is PlainFieldsExecutionContext
    counts = []
    with monkeypatch.context() as patched:
        count = FieldCount(patched)
        ours = await api.client.post("/graphql", json=payload)
        counts.append(count.calls)
        patched.setattr(served, "execution_context_class", StrawberryGraphQLCoreExecutionContext)
        reference = await api.client.post("/graphql", json=payload)
        counts.append(count.calls - counts[0])
    assert ours.status_code == reference.status_code
    assert ours.content == reference.content
    body = ours.json()
    assert_no_leak(body)
    return {**body, "normal_fields": counts}


def leaves(value: Any) -> int:
    """How many scalar values (and nulls) an answer holds."""
    if isinstance(value, dict):
        return sum(leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(leaves(v) for v in value)
    return 1


async def test_a_nested_traversal_answers_the_same_bytes_through_far_fewer_field_calls(
        org: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    body = await both(org, monkeypatch, NESTED)
    assert "errors" not in body
    fraud = next(e["node"] for e in body["data"]["projects"]["edges"] if e["node"]["id"] == "p:fraud")
    assert [e["node"]["id"] for e in fraud["team"]["edges"]] == ["u:ada", "u:grace"]
    # ids, names and edge nodes came through the fast path: the normal one ran for the connections only
    ours, reference = body["normal_fields"]
    assert reference > leaves(body["data"]) > 100
    assert ours < reference / 2


async def test_fragments_aliases_skip_enums_nulls_and_custom_scalars_answer_alike(
        org: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    for skipped in (True, False):
        body = await both(org, monkeypatch, EVERYTHING, first=10, skipped=skipped)
        assert "errors" not in body
    projects = {e["node"]["id"]: e["node"] for e in body["data"]["projects"]["edges"]}
    rich = projects["p:rich"]
    assert rich["problemClass"] == "REGRESSION" and rich["status"] == "COMPLETED"  # enums by name
    assert rich["startedAt"] == 1_700_000_000_000 and rich["startedAtIso"].endswith("Z")  # EpochMillis, ISO
    assert rich["metadata"] == {"team": "x"} and projects["p:idle"]["description"] is None
    aliased = """{ a: project(id: "p:fraud") { key: id id name ...N twice: name }
                   b: project(id: "p:none") { id } __typename }
                 fragment N on Project { name problemClass kind: __typename team(first: 1) { edges { node { id } } } }"""
    body = await both(org, monkeypatch, aliased)
    assert body["data"]["a"]["key"] == "p:fraud" and body["data"]["a"]["twice"] == "fraud-detection"
    assert body["data"]["a"]["kind"] == "Project" and body["data"]["b"] is None


async def test_an_error_in_a_sibling_field_is_placed_and_propagated_alike(
        org: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    nullable = """query($bad: ID!) { ok: project(id: "p:fraud") { id name team { edges { node { id name } } } }
                    bad: project(id: $bad) { id name } }"""
    body = await both(org, monkeypatch, nullable, bad="x\x00")
    assert body["data"]["bad"] is None and body["data"]["ok"]["team"]["edges"][0]["node"]["name"] == "Ada"
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["bad"], "INVALID_INPUT")]
    # a non-null connection that fails takes its non-null parents with it, up to the nullable root
    non_null = """query($first: Int) { projects(first: 3, orderBy: {field: ID}) { edges { node { id name
                    team(first: $first) { edges { node { id } } } status } } } }"""
    body = await both(org, monkeypatch, non_null, first=1000)  # over the page maximum
    assert body["data"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["projects", "edges", 0, "node", "team"], "INVALID_INPUT")]


async def test_introspection_answers_alike(org: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    body = await both(org, monkeypatch, """{ __schema { queryType { name } types { name kind fields { name
        type { name kind ofType { name } } } } } __type(name: "Project") { fields { name } } }""")
    assert "errors" not in body
    assert "team" in {f["name"] for f in body["data"]["__type"]["fields"]}


async def test_the_argument_guard_still_refuses_nul_and_surrogates_in_nested_arguments(
        org: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    query = """query($after: String) { projects(first: 2, orderBy: {field: ID}) { edges { node { id name
                 team(after: $after) { edges { node { id name } } } } } } }"""
    for hostile in ("bad\x00value", "bad\ud800value"):
        text = json.dumps({"query": query, "variables": {"after": hostile}})  # ASCII: the surrogate travels escaped
        response = await org.client.post("/graphql", content=text, headers={"content-type": "application/json"})
        errors = response.json()["errors"]
        assert {e["extensions"]["code"] for e in errors} == {"INVALID_INPUT"}
        assert errors[0]["path"] == ["projects", "edges", 0, "node", "team"]


async def test_the_query_limits_still_refuse_before_anything_runs(store: GraphStore) -> None:
    await load(store, PEOPLE + PROJECTS + MEMBERS)
    async with serve(store) as api:  # the default limits: 4 hops
        api.store.calls.clear()
        body = (await api.client.post("/graphql", json={"query": NESTED})).json()
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert sum(api.store.calls.values()) == 0


# --- what real data cannot produce: a small schema, both executors, the same results --------------


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Leaf:
    name: str
    size: int | None = None
    colour: Colour = Colour.RED
    when: EpochMillis | None = None


@strawberry.type
class Box:
    id: strawberry.ID
    label: str
    leaf: Leaf
    spare: Leaf | None = None
    leaves: list[Leaf] = strawberry.field(default_factory=list)
    maybe: list[Leaf | None] = strawberry.field(default_factory=list)

    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError("boom")

    @strawberry.field
    async def later(self) -> list[Leaf]:
        return self.leaves

    @strawberry.field
    def pending(self) -> list[Leaf]:
        async def one(leaf: Leaf) -> Leaf:
            return leaf

        return [one(leaf) for leaf in self.leaves]  # type: ignore[misc]

    @strawberry.field
    def sized(self, at_least: int = 0) -> list[Leaf]:
        return [leaf for leaf in self.leaves if (leaf.size or 0) >= at_least]


def box(n: int, **faults: Any) -> Box:
    leaves = [Leaf(name=f"l{n}.{i}", size=i, colour=Colour.BLUE if i % 2 else Colour.RED, when=n * 1000 + i)
              for i in range(3)]
    values: dict[str, Any] = {"id": strawberry.ID(f"b{n}"), "label": f"box {n}", "leaf": Leaf(name=f"leaf {n}"),
                              "leaves": leaves, "maybe": [leaves[0], None]}
    return Box(**{**values, **faults})


BOXES = [
    box(0),
    box(1, label=None),  # null in a non-null leaf: the box becomes null
    box(2, leaf=Leaf(name=None)),  # type: ignore[arg-type]  # null two levels down
    box(3, spare=Leaf(name="s", size="many")),  # type: ignore[arg-type]  # Int refuses a string
    box(4, leaf=None),  # null in a non-null object
    box(5, leaves=[Leaf(name="x", colour="green")]),  # type: ignore[arg-type]  # not a Colour
    box(6, leaves=[Leaf(name="a"), None]),  # type: ignore[list-item]  # null item in [Leaf!]!
    box(7, spare=Leaf(name="ok", when=7)),
]


class Seen(SchemaExtension):
    """Records each field the middleware chain is asked to resolve."""

    names: list[str]

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        Seen.names.append(info.field_name)
        return _next(root, info, *args, **kwargs)


class SeenSkippingPlain(Seen):
    ignores_plain_fields = True


@strawberry.type
class BoxQuery:
    @strawberry.field
    def boxes(self) -> list[Box | None]:
        return BOXES  # type: ignore[return-value]

    @strawberry.field
    def strict(self) -> list[Box] | None:
        return BOXES[:2]


BOX_QUERY = """{ boxes { id label broken leaf { name size colour when } spare { name size when }
  leaves { name colour } maybe { name } later { name size } pending { name } sized(atLeast: 1) { name }
  ...More } strict { id label } }
  fragment More on Box { alias: id leaf { n2: name } }"""


def box_schema(context: type[StrawberryGraphQLCoreExecutionContext], extension: type[Seen]) -> strawberry.Schema:
    return strawberry.Schema(query=BoxQuery, execution_context_class=context, extensions=[extension],
                             config=strawberry.schema.config.StrawberryConfig(scalar_map=SCALARS))


async def run_boxes(context: type[StrawberryGraphQLCoreExecutionContext], extension: type[Seen]) -> tuple[str, list[str]]:
    Seen.names = []
    result = await box_schema(context, extension).execute(BOX_QUERY)
    errors = [{"message": e.message, "path": e.path, "locations": e.locations} for e in result.errors or []]
    return json.dumps({"data": result.data, "errors": errors}), Seen.names


async def test_nulls_refused_values_and_awaitable_items_answer_exactly_as_graphql_core() -> None:
    expected, all_fields = await run_boxes(StrawberryGraphQLCoreExecutionContext, SeenSkippingPlain)
    got, seen = await run_boxes(PlainFieldsExecutionContext, SeenSkippingPlain)
    assert got == expected
    result = json.loads(got)
    assert result["data"]["boxes"][0]["leaf"] == {"name": "leaf 0", "size": None, "colour": "RED", "when": None,
                                                  "n2": "leaf 0"}
    assert result["data"]["boxes"][1] is None and result["data"]["boxes"][4] is None
    assert result["data"]["strict"] is None  # a null box in [Box!]! nulls the list
    messages = " ".join(e["message"] for e in result["errors"])
    assert "Cannot return null for non-nullable field Box.label" in messages
    assert "Int cannot represent non-integer value: 'many'" in messages
    assert "boom" in messages
    # the middleware saw the root fields and those with arguments, plain ones only where they failed,
    # and never an argument-less resolver below the root (its resolver was called directly)
    assert {"boxes", "strict", "sized"} <= set(seen) and not {"broken", "later", "pending"} & set(seen)
    assert "id" not in seen and "colour" in seen and len(seen) < len(all_fields) / 3


async def test_a_middleware_that_wants_every_field_switches_the_fast_path_off() -> None:
    expected, all_fields = await run_boxes(StrawberryGraphQLCoreExecutionContext, Seen)
    got, seen = await run_boxes(PlainFieldsExecutionContext, Seen)
    assert got == expected and seen == all_fields
