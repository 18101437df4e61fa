"""Every string argument of the schema refuses a NUL and a lone surrogate with INVALID_INPUT.

The test walks the schema itself (every root field, every argument, into input objects and
lists), so an argument added later is covered without anyone remembering to add a case.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLScalarType,
    get_named_type, is_leaf_type,
)

from maestro_graph.api.schema import schema
from tests.api.conftest import Api, assert_no_leak, graph_counts, load

HOSTILE = {"nul": "bad\x00value", "surrogate": "bad\ud800value"}
TEXT = {"String", "ID"}


def _sample(t: Any) -> Any:
    """A valid-looking value of an input type (only required parts filled in)."""
    if isinstance(t, GraphQLNonNull):
        return _sample(t.of_type)
    if isinstance(t, GraphQLList):
        return [_sample(t.of_type)]
    if isinstance(t, GraphQLEnumType):
        return next(iter(t.values))
    if isinstance(t, GraphQLInputObjectType):
        return {name: _sample(f.type) for name, f in t.fields.items() if isinstance(f.type, GraphQLNonNull)}
    return {"String": "x", "ID": "x", "Int": 1, "Float": 0.5, "Boolean": True}.get(t.name, 0)


def _text_paths(t: Any, path: tuple[Any, ...], seen: frozenset[str]) -> list[tuple[Any, ...]]:
    """Paths to every String/ID leaf reachable from an argument type (lists get one element)."""
    if isinstance(t, GraphQLNonNull):
        return _text_paths(t.of_type, path, seen)
    if isinstance(t, GraphQLList):
        return _text_paths(t.of_type, (*path, 0), seen)
    if isinstance(t, GraphQLScalarType):
        return [path] if t.name in TEXT else []
    if isinstance(t, GraphQLInputObjectType) and t.name not in seen:  # AND/OR/NOT recurse: one level
        return [p for name, f in t.fields.items() for p in _text_paths(f.type, (*path, name), seen | {t.name})]
    return []


def _put(value: Any, path: tuple[Any, ...], text: str, t: Any) -> Any:
    """`value` with `text` placed at `path`, creating the containers on the way."""
    while isinstance(t, GraphQLNonNull):
        t = t.of_type
    if not path:
        return text
    head, rest = path[0], path[1:]
    if isinstance(t, GraphQLList):
        return [_put(value[0] if value else None, rest, text, t.of_type)]
    container = dict(value or {})
    container[head] = _put(container.get(head) or _sample(t.fields[head].type), rest, text, t.fields[head].type)
    return container


def _cases() -> list[tuple[str, str, str, tuple[Any, ...]]]:
    gschema = schema._schema
    cases = []
    for op, root in (("query", gschema.query_type), ("mutation", gschema.mutation_type)):
        for fname, field in root.fields.items():
            for aname, arg in field.args.items():
                for path in _text_paths(arg.type, (), frozenset()):
                    cases.append((op, fname, aname, path))
    return cases


CASES = _cases()


def test_the_walk_finds_the_string_arguments_users_reach() -> None:
    reached = {(f, a) for _, f, a, _ in CASES}
    assert {("project", "id"), ("projects", "where"), ("searchArtifacts", "tags"), ("registerArtifact", "input"),
            ("addTeamMember", "personId"), ("recordMetric", "source")} <= reached
    assert len(CASES) >= 20


def _operation(op: str, fname: str) -> tuple[str, dict[str, Any]]:
    root = schema._schema.query_type if op == "query" else schema._schema.mutation_type
    field = root.fields[fname]
    decls = ", ".join(f"${a}: {arg.type}" for a, arg in field.args.items())
    uses = ", ".join(f"{a}: ${a}" for a in field.args)
    named = get_named_type(field.type)
    selection = "" if is_leaf_type(named) else " { __typename }"
    if op == "mutation" and not is_leaf_type(named):
        selection = " { __typename ... on MutationError { code field } }"
    args = f"({uses})" if uses else ""
    return f"{op}{'(' + decls + ')' if decls else ''} {{ {fname}{args}{selection} }}", {
        a: _sample(arg.type) for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
async def test_every_string_argument_refuses_nul_and_lone_surrogates(api: Api, kind: str) -> None:
    await load(api.store, [{"kind": "project", "id": "x", "name": "target"}])
    before = await graph_counts(api.store)
    failures = []
    for op, fname, aname, path in CASES:
        query, variables = _operation(op, fname)
        arg_type = (schema._schema.query_type if op == "query" else schema._schema.mutation_type).fields[fname].args[aname].type
        variables[aname] = _put(variables.get(aname), path, HOSTILE[kind], arg_type)
        body = json.dumps({"query": query, "variables": variables})  # ASCII: the surrogate travels as \\ud800
        response = await api.client.post("/graphql", content=body, headers={"content-type": "application/json"})
        payload = response.json()
        assert_no_leak(payload)
        codes = [e.get("extensions", {}).get("code") for e in payload.get("errors") or []]
        if op == "mutation" and not codes:  # a mutation answers with its typed error
            codes = [(payload["data"][fname] or {}).get("code")]
        if codes != ["INVALID_INPUT"]:
            failures.append((fname, aname, path, response.status_code, payload.get("errors")))
    assert not failures, failures[:5]
    assert await graph_counts(api.store) == before  # nothing was written
