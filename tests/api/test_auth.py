"""Who may do what, over HTTP on the real store: each role against each class of operation,
credentials that must fail (revoked keys, expired or foreign JWTs), and the audit trail."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from maestro_graph.api.auth import ANONYMOUS, Authenticator, Principal
from maestro_graph.errors import Unauthenticated
from maestro_graph.principal import Role
from maestro_graph.secret import server_secret
from maestro_graph.service.keys import create_key, revoke_key
from maestro_graph.store.port import GraphStore
from tests.api.conftest import ADMIN, Api, gql, load, serve, settings_for_tests

ERROR = "... on MutationError { code message field }"
READ = '{ project(id: "p:1") { id name } }'
EDIT = 'mutation { updateProject(id: "p:1", input: {name: "renamed"}) { ... on Project { name audit { updatedBy } } %s } }' % ERROR
CREATE = 'mutation { createProject(input: {name: "new-one"}) { ... on Project { id audit { addedBy addedAt updatedBy } } %s } }' % ERROR
DELETE = 'mutation { deleteProject(id: "p:1") { ... on DeletedProject { id } %s } }' % ERROR
METRIC = """mutation($value: Float!, $replace: Boolean!) {
  recordMetric(projectId: "p:1", type: "churn_rate", value: $value, at: 1700000000000, replace: $replace) {
    ... on Metric { value audit { addedBy updatedBy } } %s } }""" % ERROR
BASE = [{"kind": "project", "id": "p:1", "name": "fraud-detection"}]
ISSUER, AUDIENCE, JWT_SECRET = "https://idp.example", "maestro", "jwt-test-secret-of-32-bytes-or-more!"


@pytest.fixture
async def org(api: Api, store: GraphStore) -> Api:
    await load(store, BASE)
    return api


async def call(api: Api, query: str, who: str, **variables: Any) -> tuple[int, dict[str, Any]]:
    client = api.anon if who == "anonymous" else api.client
    headers = {} if who == "anonymous" else api.headers(Role(who))
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.status_code, response.json()


def outcome(body: dict[str, Any]) -> str:
    """"ok", or the code of the one error the request answered."""
    if body.get("errors"):
        [error] = body["errors"]
        return error["extensions"]["code"]
    return "ok"


@pytest.mark.parametrize(("who", "read", "edit", "create", "delete"), [
    ("anonymous", "ok", "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED"),
    ("reader", "ok", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"),
    ("editor", "ok", "ok", "ok", "FORBIDDEN"),
    ("admin", "ok", "ok", "ok", "ok"),
])
async def test_each_role_may_do_what_its_role_allows(org: Api, who: str, read: str, edit: str, create: str, delete: str) -> None:
    seen = {}
    for name, query in (("read", READ), ("edit", EDIT), ("create", CREATE), ("delete", DELETE)):
        _, body = await call(org, query, who)
        seen[name] = outcome(body)
    assert seen == {"read": read, "edit": edit, "create": create, "delete": delete}
    project = (await gql(org.client, READ))["project"]
    assert (project is None) == (delete == "ok")
    if project is not None:
        assert project["name"] == ("renamed" if edit == "ok" else "fraud-detection")


async def test_a_refused_write_changes_nothing_and_says_why(org: Api) -> None:
    _, body = await call(org, EDIT, "reader")
    assert body["data"] is None
    assert "editor" in body["errors"][0]["message"]
    assert (await gql(org.client, READ))["project"]["name"] == "fraud-detection"


async def test_the_admin_token_still_works_as_an_admin(org: Api) -> None:
    assert (await gql(org.client, DELETE, headers=ADMIN))["deleteProject"] == {"id": "p:1"}


async def test_without_anonymous_reads_an_anonymous_query_is_refused(store: GraphStore) -> None:
    await load(store, BASE)
    async with serve(store, anonymous_read=False) as api:
        response = await api.anon.post("/graphql", json={"query": READ})
        assert response.status_code == 401
        assert outcome(response.json()) == "UNAUTHENTICATED"
        _, body = await call(api, READ, "reader")
        assert body["data"]["project"]["name"] == "fraud-detection"


@pytest.mark.parametrize("header", ["Bearer mgk_0000abcd_notarealkeynotarealkey00", "Bearer wrong", "Basic abc", "Bearer "])
async def test_a_credential_that_does_not_verify_is_refused_not_downgraded(org: Api, header: str) -> None:
    response = await org.anon.post("/graphql", json={"query": READ}, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert outcome(response.json()) == "UNAUTHENTICATED"


async def test_a_revoked_key_is_refused(org: Api) -> None:
    secret = server_secret(org.app.state.settings)
    new = await create_key(org.store, secret, Role.EDITOR, "ci", "system")
    await revoke_key(org.store, new.prefix, "system")
    response = await org.anon.post("/graphql", json={"query": EDIT}, headers={"Authorization": f"Bearer {new.key}"})
    assert response.status_code == 401 and outcome(response.json()) == "UNAUTHENTICATED"
    assert (await gql(org.client, READ))["project"]["name"] == "fraud-detection"


async def test_a_revocation_takes_effect_when_the_cache_entry_expires(store: GraphStore) -> None:
    now = [1000.0]
    authenticator = Authenticator(settings_for_tests(api_key_cache_s=5), clock=lambda: now[0])
    new = await create_key(store, authenticator.secret, Role.READER, "dashboard", "system")
    header = f"Bearer {new.key}"
    assert (await authenticator.authenticate(header, store)).role == Role.READER
    await revoke_key(store, new.key, "system")
    now[0] += 4.9  # still trusted from the cache: no store read per request
    assert (await authenticator.authenticate(header, store)).id == f"key:{new.prefix}"
    now[0] += 0.2
    with pytest.raises(Unauthenticated):
        await authenticator.authenticate(header, store)


async def test_a_key_is_not_valid_under_another_server_secret(store: GraphStore) -> None:
    new = await create_key(store, b"one secret", Role.ADMIN, "ops", "system")
    other = Authenticator(settings_for_tests(secret_key="another secret"))
    with pytest.raises(Unauthenticated):
        await other.authenticate(f"Bearer {new.key}", store)


# who did what

async def test_writes_record_their_principal_and_time(org: Api) -> None:
    before = int(time.time() * 1000)
    editor = f"key:{org.keys[Role.EDITOR].split('_')[1]}"
    made = (await gql(org.client, CREATE))["createProject"]
    assert made["audit"]["addedBy"] == editor and made["audit"]["addedAt"] >= before
    assert made["audit"]["updatedBy"] is None
    update = f'mutation {{ updateProject(id: "{made["id"]}", input: {{description: "d"}}) {{ ... on Project {{ id }} }} }}'
    await gql(org.client, update, headers=ADMIN)
    query = f'{{ project(id: "{made["id"]}") {{ audit {{ addedBy updatedBy updatedAt }} }} }}'
    audit = (await gql(org.anon, query))["project"]["audit"]
    assert audit["addedBy"] == editor and audit["updatedBy"] == "admin-token" and audit["updatedAt"] >= before
    member = 'mutation { addTeamMember(projectId: "p:1", personId: "u:1", name: "Ada") { ... on Project { audit { updatedBy } } } }'
    assert (await gql(org.client, member, headers=org.headers(Role.ADMIN)))["addTeamMember"]["audit"]["updatedBy"] == \
        f"key:{org.keys[Role.ADMIN].split('_')[1]}"


async def test_a_metric_point_is_not_overwritten_unless_replace_is_asked(org: Api) -> None:
    editor = f"key:{org.keys[Role.EDITOR].split('_')[1]}"
    first = (await gql(org.client, METRIC, value=0.2, replace=False))["recordMetric"]
    assert first == {"value": 0.2, "audit": {"addedBy": editor, "updatedBy": None}}
    again = (await gql(org.client, METRIC, value=0.9, replace=False))["recordMetric"]
    assert (again["code"], again["field"]) == ("CONFLICT", "at")
    points = '{ project(id: "p:1") { metrics { totalCount edges { node { value } } } } }'
    assert (await gql(org.client, points))["project"]["metrics"]["edges"] == [{"node": {"value": 0.2}}]
    admin = f"key:{org.keys[Role.ADMIN].split('_')[1]}"
    replaced = (await gql(org.client, METRIC, headers=org.headers(Role.ADMIN), value=0.9, replace=True))["recordMetric"]
    assert replaced == {"value": 0.9, "audit": {"addedBy": editor, "updatedBy": admin}}
    assert (await gql(org.client, points))["project"]["metrics"] == {"totalCount": 1, "edges": [{"node": {"value": 0.9}}]}


# JWT bearer tokens

def token(key: Any, algorithm: str = "HS256", **claims: Any) -> str:
    base = {"sub": "alice", "iss": ISSUER, "aud": AUDIENCE, "role": "editor", "exp": int(time.time()) + 300}
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, key, algorithm=algorithm)


@pytest.fixture
async def jwt_api(store: GraphStore) -> Any:
    await load(store, BASE)
    async with serve(store, jwt_secret=JWT_SECRET, jwt_issuer=ISSUER, jwt_audience=AUDIENCE) as api:
        yield api


async def test_a_valid_jwt_acts_with_its_role_and_subject(jwt_api: Api) -> None:
    headers = {"Authorization": f"Bearer {token(JWT_SECRET)}"}
    made = (await gql(jwt_api.anon, CREATE, headers=headers))["createProject"]
    assert made["audit"]["addedBy"] == "jwt:alice"
    response = await jwt_api.anon.post("/graphql", json={"query": DELETE}, headers=headers)
    assert outcome(response.json()) == "FORBIDDEN"


@pytest.mark.parametrize("claims", [
    {"exp": int(time.time()) - 60},          # expired
    {"aud": "someone-else"},                 # wrong audience
    {"iss": "https://evil.example"},         # wrong issuer
    {"exp": None},                           # no expiry
    {"role": None},                          # no role claim
    {"role": "superuser"},                   # unknown role
])
async def test_a_jwt_that_should_not_be_trusted_is_refused(jwt_api: Api, claims: dict[str, Any]) -> None:
    response = await jwt_api.anon.post("/graphql", json={"query": CREATE},
                                       headers={"Authorization": f"Bearer {token(JWT_SECRET, **claims)}"})
    assert response.status_code == 401 and outcome(response.json()) == "UNAUTHENTICATED"


async def test_a_jwt_signed_with_another_key_or_none_is_refused(jwt_api: Api) -> None:
    for forged in (token("another-secret-that-is-long-enough-too"), token(None, algorithm="none")):
        response = await jwt_api.anon.post("/graphql", json={"query": CREATE}, headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401


async def test_rs256_tokens_verify_with_the_public_key_file(store: GraphStore, tmp_path: Path) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "idp.pem").write_bytes(public_pem)
    await load(store, BASE)
    async with serve(store, jwt_public_key_file=tmp_path / "idp.pem", jwt_issuer=ISSUER, jwt_audience=AUDIENCE) as api:
        good = {"Authorization": f"Bearer {token(private, algorithm='RS256', role='admin', sub='ops')}"}
        assert (await gql(api.anon, DELETE, headers=good))["deleteProject"] == {"id": "p:1"}
        # an HS256 token is not accepted where RS256 is configured (no algorithm confusion)
        forged = {"Authorization": f"Bearer {token(JWT_SECRET)}"}
        assert (await api.anon.post("/graphql", json={"query": CREATE}, headers=forged)).status_code == 401


async def test_production_is_satisfied_by_an_active_key_or_a_complete_jwt_setup(store: GraphStore) -> None:
    from maestro_graph.posture import InsecureConfiguration, check_production_auth

    closed = settings_for_tests(env="production", anonymous_read=False)
    with pytest.raises(InsecureConfiguration):
        await check_production_auth(closed, store)
    await check_production_auth(settings_for_tests(env="production", anonymous_read=False, jwt_secret=JWT_SECRET,
                                                   jwt_issuer=ISSUER, jwt_audience=AUDIENCE), store)
    with pytest.raises(InsecureConfiguration):  # a JWT setup that would accept any issuer
        await check_production_auth(settings_for_tests(env="production", anonymous_read=False, jwt_secret=JWT_SECRET), store)
    new = await create_key(store, b"s", Role.ADMIN, "ops", "system")
    await check_production_auth(closed, store)
    await revoke_key(store, new.prefix, "system")
    with pytest.raises(InsecureConfiguration):
        await check_production_auth(closed, store)


async def test_graphiql_starts_with_the_demo_key_in_its_headers_only_when_configured(store: GraphStore) -> None:
    async with serve(store) as plain:
        page = (await plain.anon.get("/graphql", headers={"Accept": "text/html"})).text
        assert "Bearer" not in page and "React.useState(parameters.headers)" in page
    async with serve(store) as api, serve(store, graphiql_api_key=api.keys[Role.EDITOR]) as demo:
        page = (await demo.anon.get("/graphql", headers={"Accept": "text/html"})).text
        assert f'React.useState(parameters.headers || "{{\\n  \\"Authorization\\": \\"Bearer {api.keys[Role.EDITOR]}\\"\\n}}")' in page


def test_empty_settings_as_in_env_example_mean_unset() -> None:
    settings = settings_for_tests(jwt_public_key_file="", jwt_secret="", jwt_issuer="", secret_key="")
    assert not settings.jwt_enabled and settings.jwt_issuer is None and settings.secret_key is None


@pytest.mark.parametrize(("principal", "code"), [(ANONYMOUS, "UNAUTHENTICATED"),
                                                 (Principal("key:r", "r", Role.READER), "FORBIDDEN"),
                                                 (Principal("key:e", "e", Role.EDITOR), None)])
async def test_a_mutation_without_permission_classes_is_still_closed_to_non_editors(
        store: GraphStore, principal: Principal, code: str | None) -> None:
    """A mutation someone adds later and forgets to protect: the app's request policy refuses it before it runs."""
    import strawberry

    from maestro_graph.api.context import Context
    from maestro_graph.api.documents import DocumentGate
    from maestro_graph.api.extension import RequestPolicy
    from maestro_graph.api.loaders import Loaders

    ran: list[str] = []

    @strawberry.type
    class Query:
        ok: bool = True

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def touch(self) -> bool:
            ran.append("touched")
            return True

    gate = DocumentGate(introspection=True, max_hops=4, max_nodes=50_000, default_first=20, max_first=100)
    schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[RequestPolicy.factory(gate, lambda _: False)])
    settings = settings_for_tests()
    context = Context(store, settings, Loaders(store, settings), principal, Authenticator(settings))
    result = await schema.execute("mutation { touch }", context_value=context)
    if code is None:
        assert result.errors is None and ran == ["touched"]
    else:
        assert [e.original_error.code for e in result.errors or []] == [code] and ran == []


# key management through the API (admins)

CREATE_KEY = """mutation($role: KeyRole!, $name: String!) { createApiKey(role: $role, name: $name) {
  ... on CreatedApiKey { key apiKey { prefix name role createdBy revokedAt } } %s } }""" % ERROR
REVOKE_KEY = 'mutation($prefix: String!) { revokeApiKey(prefix: $prefix) { ... on ApiKey { prefix revokedAt } %s } }' % ERROR
LIST_KEYS = "{ apiKeys { prefix name role revokedAt } }"


async def test_an_admin_creates_lists_and_revokes_keys_through_the_api(org: Api) -> None:
    admin = org.headers(Role.ADMIN)
    made = (await gql(org.client, CREATE_KEY, headers=admin, role="READER", name="dashboard"))["createApiKey"]
    prefix = made["apiKey"]["prefix"]
    assert made["key"].startswith(f"mgk_{prefix}_")
    assert made["apiKey"] == {"prefix": prefix, "name": "dashboard", "role": "READER",
                              "createdBy": f"key:{org.keys[Role.ADMIN].split('_')[1]}", "revokedAt": None}
    reader = {"Authorization": f"Bearer {made['key']}"}
    assert (await gql(org.anon, READ, headers=reader))["project"]["name"] == "fraud-detection"
    listed = (await gql(org.client, LIST_KEYS, headers=admin))["apiKeys"]
    assert [k["name"] for k in listed if k["prefix"] == prefix] == ["dashboard"]
    assert all("key" not in k for k in listed)

    revoked = (await gql(org.client, REVOKE_KEY, headers=admin, prefix=prefix))["revokeApiKey"]
    assert revoked["prefix"] == prefix and revoked["revokedAt"] is not None
    # refused at once by this server, although the key was in its cache
    assert (await org.anon.post("/graphql", json={"query": READ}, headers=reader)).status_code == 401
    missing = (await gql(org.client, REVOKE_KEY, headers=admin, prefix="ffffffff"))["revokeApiKey"]
    assert missing["code"] == "NOT_FOUND"


async def test_only_admins_manage_keys(org: Api) -> None:
    for who, code in (("editor", "FORBIDDEN"), ("reader", "FORBIDDEN"), ("anonymous", "UNAUTHENTICATED")):
        _, body = await call(org, LIST_KEYS, who)
        assert outcome(body) == code
        _, body = await call(org, CREATE_KEY, who, role="ADMIN", name="escalate")
        assert outcome(body) == code
    names = [k["name"] for k in (await gql(org.client, LIST_KEYS, headers=org.headers(Role.ADMIN)))["apiKeys"]]
    assert "escalate" not in names
