"""Every mutation: what it changes when it succeeds, and each error it can answer with.

A refused mutation must leave the graph exactly as it was: `refused()` compares the node and
edge counts and a full JSONL export taken before and after.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from maestro_graph.ingest.export import export_file
from maestro_graph.store.port import GraphStore
from tests.api.conftest import ADMIN, Api, gql, graph_counts, ids, load

T0 = 1_700_000_000_000
ERROR = "... on MutationError { code message field }"
PROJECT = f"... on Project {{ id name description problemClass complexityScore status tags startedAt completedAt outcome {{ success successScore costUsd }} }} {ERROR}"
ARTIFACT = f"... on Artifact {{ id name version artifactType tags createdBy }} {ERROR}"

CREATE = f"mutation($input: CreateProjectInput!) {{ createProject(input: $input) {{ {PROJECT} }} }}"
UPDATE = f"mutation($id: ID!, $input: UpdateProjectInput!) {{ updateProject(id: $id, input: $input) {{ {PROJECT} }} }}"
OUTCOME = f"mutation($id: ID!, $input: OutcomeInput!) {{ recordOutcome(projectId: $id, input: $input) {{ {PROJECT} }} }}"
REGISTER = f"mutation($input: RegisterArtifactInput!) {{ registerArtifact(input: $input) {{ {ARTIFACT} }} }}"
ADD_MEMBER = f"""mutation($project: ID!, $person: ID!, $role: String, $name: String) {{
  addTeamMember(projectId: $project, personId: $person, role: $role, name: $name) {{
    ... on Project {{ id team {{ totalCount edges {{ role node {{ id name }} }} }} }} {ERROR} }} }}"""
LOG_USAGE = f"""mutation($project: ID!, $artifact: ID!, $context: String!, $impact: Float) {{
  logArtifactUsage(projectId: $project, artifactId: $artifact, context: $context, impact: $impact) {{
    ... on Project {{ id artifacts {{ totalCount edges {{ context impact node {{ id }} }} }} }} {ERROR} }} }}"""
METRIC = f"""mutation($project: ID!, $type: String!, $value: Float!, $at: EpochMillis, $source: String) {{
  recordMetric(projectId: $project, type: $type, value: $value, at: $at, source: $source) {{
    ... on Metric {{ id projectId type value at source }} {ERROR} }} }}"""
DELETE = f"mutation($id: ID!) {{ deleteProject(id: $id) {{ ... on DeletedProject {{ id }} {ERROR} }} }}"
GET_PROJECT = 'query($id: ID!) { project(id: $id) { id name status complexityScore outcome { success successScore } metrics { totalCount } team { totalCount } } }'
USED_BY = 'query($id: ID!) { artifact(id: $id) { usedBy { totalCount edges { context impact node { id } } } } }'

BASE = [
    {"kind": "person", "id": "u:ada", "name": "Ada", "role": "ml_engineer"},
    {"kind": "project", "id": "p:1", "name": "fraud-detection", "status": "active", "complexityScore": 5},
    {"kind": "project", "id": "p:gone", "name": "cancelled-one", "status": "cancelled"},
    {"kind": "artifact", "id": "a:1", "name": "feature-pipeline-transactions", "artifactType": "feature_pipeline"},
    {"kind": "membership", "person": "u:ada", "project": "p:1", "role": "lead"},
    {"kind": "usage", "project": "p:1", "artifact": "a:1", "context": "training", "score": 0.9},
    {"kind": "metric", "project": "p:1", "type": "commits_per_week", "value": 12.0, "at": T0},
    {"kind": "metric", "project": "p:1", "type": "churn_rate", "value": 0.2, "at": T0},
    {"kind": "metric", "project": "p:gone", "type": "churn_rate", "value": 0.4, "at": T0},
]


@pytest.fixture
async def org(api: Api, store: GraphStore) -> Api:
    await load(store, BASE)
    return api


async def snapshot(store: GraphStore, path: Path) -> tuple[tuple[int, int], list[str]]:
    await export_file(store, path)
    return await graph_counts(store), sorted(path.read_text().splitlines())


async def mutate(api: Api, mutation: str, headers: dict[str, str] | None = None, **variables: Any) -> dict[str, Any]:
    data = await gql(api.client, mutation, headers=headers, **variables)
    [result] = data.values()
    return result


async def refused(api: Api, tmp_path: Path, mutation: str, headers: dict[str, str] | None = None,
                  **variables: Any) -> dict[str, Any]:
    """The typed error of a mutation that must change nothing."""
    before = await snapshot(api.store, tmp_path / "before.jsonl")
    result = await mutate(api, mutation, headers=headers, **variables)
    assert set(result) == {"code", "message", "field"}, result
    assert result["message"]
    assert await snapshot(api.store, tmp_path / "after.jsonl") == before
    return result


# createProject

async def test_create_project_returns_it_and_it_can_be_found(org: Api) -> None:
    made = await mutate(org, CREATE, input={"name": "  ticket-router ", "description": "Route tickets", "problemClass": "NLP",
                                            "complexityScore": 4, "tags": ["Support", "support", "nlp"], "startedAt": T0})
    assert made["id"].startswith("p:")
    assert (made["name"], made["problemClass"], made["complexityScore"], made["status"], made["tags"], made["startedAt"]) == (
        "ticket-router", "NLP", 4, "PLANNED", ["support", "nlp"], T0)
    assert made["outcome"] is None
    found = (await gql(org.client, GET_PROJECT, id=made["id"]))["project"]
    assert (found["name"], found["status"]) == ("ticket-router", "PLANNED")
    kept = await mutate(org, CREATE, input={"id": "p:mine", "name": "with-my-id"})
    assert kept["id"] == "p:mine"
    assert (await gql(org.client, GET_PROJECT, id="p:mine"))["project"]["name"] == "with-my-id"


@pytest.mark.parametrize(("given", "field"), [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "ok", "complexityScore": 11}, "complexityScore"),
    ({"name": "ok", "complexityScore": 0}, "complexityScore"),
    ({"name": "ok", "tags": [""]}, "tags"),
    ({"name": "ok", "tags": ["t" * 65]}, "tags"),
    ({"name": "ok", "tags": [f"t{i}" for i in range(51)]}, "tags"),
    ({"name": "ok", "id": "tab\there"}, "id"),
    ({"name": "ok", "id": "x" * 257}, "id"),
    ({"name": "ok", "startedAt": -1}, "startedAt"),
    ({"name": "nul\x00byte"}, "input.name"),
])
async def test_create_project_rejects_invalid_input(org: Api, tmp_path: Path, given: dict[str, Any], field: str) -> None:
    error = await refused(org, tmp_path, CREATE, input=given)
    assert (error["code"], error["field"]) == ("INVALID_INPUT", field)


async def test_create_project_with_an_id_that_exists_is_a_conflict(org: Api, tmp_path: Path) -> None:
    error = await refused(org, tmp_path, CREATE, input={"id": "p:1", "name": "impostor"})
    assert error["code"] == "CONFLICT"
    assert (await gql(org.client, GET_PROJECT, id="p:1"))["project"]["name"] == "fraud-detection"


# updateProject

async def test_update_project_changes_only_what_it_is_given(org: Api) -> None:
    updated = await mutate(org, UPDATE, id="p:1", input={"name": "fraud-detection-v2", "status": "COMPLETED"})
    assert (updated["name"], updated["status"], updated["complexityScore"]) == ("fraud-detection-v2", "COMPLETED", 5)
    found = (await gql(org.client, GET_PROJECT, id="p:1"))["project"]
    assert (found["name"], found["status"], found["complexityScore"], found["team"]["totalCount"]) == ("fraud-detection-v2", "COMPLETED", 5, 1)


async def test_update_project_errors(org: Api, tmp_path: Path) -> None:
    missing = await refused(org, tmp_path, UPDATE, id="p:nope", input={"name": "x"})
    assert (missing["code"], missing["field"]) == ("NOT_FOUND", "id")
    empty = await refused(org, tmp_path, UPDATE, id="p:1", input={})
    assert (empty["code"], empty["field"]) == ("INVALID_INPUT", "input")
    bad = await refused(org, tmp_path, UPDATE, id="p:1", input={"name": "renamed", "complexityScore": 11})
    assert (bad["code"], bad["field"]) == ("INVALID_INPUT", "complexityScore")


# recordOutcome

async def test_record_outcome_completes_the_project(org: Api) -> None:
    done = await mutate(org, OUTCOME, id="p:1", input={"success": True, "successScore": 0.8, "costUsd": 1200.0, "completedAt": T0 + 5})
    assert done["status"] == "COMPLETED" and done["completedAt"] == T0 + 5
    assert done["outcome"] == {"success": True, "successScore": 0.8, "costUsd": 1200.0}
    found = (await gql(org.client, GET_PROJECT, id="p:1"))["project"]
    assert (found["status"], found["outcome"]) == ("COMPLETED", {"success": True, "successScore": 0.8})
    stays = await mutate(org, OUTCOME, id="p:gone", input={"success": False})
    assert stays["status"] == "CANCELLED" and stays["outcome"]["success"] is False and stays["completedAt"] > 0


@pytest.mark.parametrize(("project", "given", "code", "field"), [
    ("p:1", {"successScore": 1.5}, "INVALID_INPUT", "input.successScore"),
    ("p:1", {"success": True, "costUsd": -1.0}, "INVALID_INPUT", "input.costUsd"),
    ("p:1", {}, "INVALID_INPUT", "input"),
    ("p:1", {"success": True, "completedAt": -5}, "INVALID_INPUT", "completedAt"),
    ("p:nope", {"success": True}, "NOT_FOUND", "projectId"),
])
async def test_record_outcome_errors(org: Api, tmp_path: Path, project: str, given: dict[str, Any], code: str, field: str) -> None:
    error = await refused(org, tmp_path, OUTCOME, id=project, input=given)
    assert (error["code"], error["field"]) == (code, field)


# registerArtifact

async def test_register_artifact_then_a_new_version_linked_to_it(org: Api) -> None:
    first = await mutate(org, REGISTER, input={"name": "tokenizer", "artifactType": "LIBRARY", "tags": ["NLP"], "createdBy": "u:ada"})
    assert (first["name"], first["version"], first["artifactType"], first["tags"], first["createdBy"]) == (
        "tokenizer", "1.0.0", "LIBRARY", ["nlp"], "u:ada")
    nodes, edges = await graph_counts(org.store)
    second = await mutate(org, REGISTER, input={"name": "tokenizer", "artifactType": "LIBRARY", "version": "1.1.0"})
    assert second["id"] != first["id"] and second["version"] == "1.1.0"
    assert await graph_counts(org.store) == (nodes + 1, edges + 1)  # the node and its NEW_VERSION_OF edge
    versions = (await gql(org.client, '{ artifact(id: "%s") { versions { edges { node { id version } } } } }' % first["id"]))
    assert ids(versions["artifact"]["versions"]) == [second["id"], first["id"]]
    created = (await gql(org.client, '{ person(id: "u:ada") { artifactsCreated { edges { node { id } } } } }'))
    assert ids(created["person"]["artifactsCreated"]) == [first["id"]]


@pytest.mark.parametrize(("given", "code", "field"), [
    ({"name": "feature-pipeline-transactions", "artifactType": "FEATURE_PIPELINE"}, "CONFLICT", "version"),
    ({"name": "feature-pipeline-transactions", "artifactType": "FEATURE_PIPELINE", "version": "two words"}, "INVALID_INPUT", "version"),
    ({"name": "tokenizer", "artifactType": "LIBRARY", "version": "1" * 65}, "INVALID_INPUT", "version"),
    ({"name": "", "artifactType": "LIBRARY"}, "INVALID_INPUT", "name"),
    ({"name": "tokenizer", "artifactType": "LIBRARY", "tags": [""]}, "INVALID_INPUT", "tags"),
    ({"name": "tokenizer", "artifactType": "LIBRARY", "createdBy": "not\nan id"}, "INVALID_INPUT", "createdBy"),
])
async def test_register_artifact_errors(org: Api, tmp_path: Path, given: dict[str, Any], code: str, field: str) -> None:
    error = await refused(org, tmp_path, REGISTER, input=given)
    assert (error["code"], error["field"]) == (code, field)


# addTeamMember

async def test_add_an_existing_person_and_a_new_one_to_a_team(org: Api) -> None:
    await load(org.store, [{"kind": "person", "id": "u:grace", "name": "Grace"}])
    team = (await mutate(org, ADD_MEMBER, project="p:1", person="u:grace", role="modeller"))["team"]
    assert {(e["node"]["id"], e["role"]) for e in team["edges"]} == {("u:ada", "lead"), ("u:grace", "modeller")}
    team = (await mutate(org, ADD_MEMBER, project="p:1", person="u:new", name="Newcomer", role="intern"))["team"]
    assert team["totalCount"] == 3 and ("u:new", "Newcomer", "intern") in {
        (e["node"]["id"], e["node"]["name"], e["role"]) for e in team["edges"]}
    person = (await gql(org.client, '{ person(id: "u:new") { name projects { edges { role node { id } } } } }'))["person"]
    assert person["name"] == "Newcomer"
    assert [(e["node"]["id"], e["role"]) for e in person["projects"]["edges"]] == [("p:1", "intern")]
    again = (await mutate(org, ADD_MEMBER, project="p:1", person="u:grace", role="lead"))["team"]
    assert again["totalCount"] == 3  # adding someone twice changes their role, not the team size
    assert ("u:grace", "lead") in {(e["node"]["id"], e["role"]) for e in again["edges"]}


@pytest.mark.parametrize(("project", "person", "name", "code", "field"), [
    ("p:1", "u:stranger", None, "NOT_FOUND", "personId"),
    ("p:nope", "u:ada", None, "NOT_FOUND", "projectId"),
    ("p:nope", "u:stranger", "Stranger", "NOT_FOUND", "projectId"),
    ("p:1", "bad\tid", "Bad", "INVALID_INPUT", "personId"),
])
async def test_add_team_member_errors(org: Api, tmp_path: Path, project: str, person: str, name: str | None, code: str, field: str) -> None:
    error = await refused(org, tmp_path, ADD_MEMBER, project=project, person=person, name=name)
    assert (error["code"], error["field"]) == (code, field)


# logArtifactUsage

async def test_logging_a_usage_is_idempotent_per_context(org: Api) -> None:
    await load(org.store, [{"kind": "project", "id": "p:2", "name": "churn"}])
    for _ in range(2):
        await mutate(org, LOG_USAGE, project="p:2", artifact="a:1", context="training", impact=0.7)
    used_by = (await gql(org.client, USED_BY, id="a:1"))["artifact"]["usedBy"]
    assert [(e["node"]["id"], e["context"]) for e in used_by["edges"]].count(("p:2", "training")) == 1
    assert used_by["totalCount"] == 2  # p:1's imported use and p:2's
    project = await mutate(org, LOG_USAGE, project="p:2", artifact="a:1", context="serving")
    assert {(e["context"], e["impact"]) for e in project["artifacts"]["edges"]} == {("training", 0.7), ("serving", None)}
    assert (await gql(org.client, USED_BY, id="a:1"))["artifact"]["usedBy"]["totalCount"] == 3


@pytest.mark.parametrize(("project", "artifact", "context", "impact", "code", "field"), [
    ("p:nope", "a:1", "training", None, "NOT_FOUND", "projectId"),
    ("p:1", "a:nope", "training", None, "NOT_FOUND", "artifactId"),
    ("p:1", "a:1", "serving", 1.5, "INVALID_INPUT", "impact"),
    ("p:1", "a:1", "", None, "INVALID_INPUT", "context"),
])
async def test_log_artifact_usage_errors(org: Api, tmp_path: Path, project: str, artifact: str, context: str,
                                         impact: float | None, code: str, field: str) -> None:
    error = await refused(org, tmp_path, LOG_USAGE, project=project, artifact=artifact, context=context, impact=impact)
    assert (error["code"], error["field"]) == (code, field)


# recordMetric

async def test_a_recorded_metric_appears_in_the_projects_metrics(org: Api) -> None:
    metric = await mutate(org, METRIC, project="p:1", type="pr_merge_hours", value=6.5, at=T0 + 1000, source="github")
    assert (metric["projectId"], metric["type"], metric["value"], metric["at"], metric["source"]) == ("p:1", "pr_merge_hours", 6.5, T0 + 1000, "github")
    query = '{ project(id: "p:1") { metrics(type: "pr_merge_hours") { totalCount edges { node { id value at source } } } } }'
    metrics = (await gql(org.client, query))["project"]["metrics"]
    assert metrics["totalCount"] == 1
    assert metrics["edges"][0]["node"] == {"id": metric["id"], "value": 6.5, "at": T0 + 1000, "source": "github"}
    now = await mutate(org, METRIC, project="p:1", type="pr_merge_hours", value=3.0)
    assert now["at"] > T0 + 1000
    assert (await gql(org.client, query))["project"]["metrics"]["totalCount"] == 2


@pytest.mark.parametrize(("project", "mtype", "at", "code", "field"), [
    ("p:nope", "commits_per_week", None, "NOT_FOUND", "projectId"),
    ("p:1", "commits-per-week", None, "INVALID_INPUT", "type"),
    ("p:1", "", None, "INVALID_INPUT", "type"),
    ("p:1", "commits_per_week", -1, "INVALID_INPUT", "at"),
])
async def test_record_metric_errors(org: Api, tmp_path: Path, project: str, mtype: str, at: int | None, code: str, field: str) -> None:
    error = await refused(org, tmp_path, METRIC, project=project, type=mtype, value=1.0, at=at)
    assert (error["code"], error["field"]) == (code, field)


# deleteProject

@pytest.mark.parametrize(("headers", "status", "code"), [
    (None, 200, "FORBIDDEN"),  # the default client is an editor
    ({"Authorization": "Bearer wrong"}, 401, "UNAUTHENTICATED"),
    ({"Authorization": "s3cret"}, 401, "UNAUTHENTICATED"),
    ({"Authorization": "Basic s3cret"}, 401, "UNAUTHENTICATED"),
])
async def test_delete_project_needs_an_admin(org: Api, tmp_path: Path, headers: dict[str, str] | None,
                                             status: int, code: str) -> None:
    before = await snapshot(org.store, tmp_path / "before.jsonl")
    response = await org.client.post("/graphql", json={"query": DELETE, "variables": {"id": "p:1"}}, headers=headers)
    assert response.status_code == status
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]
    assert await snapshot(org.store, tmp_path / "after.jsonl") == before
    assert (await gql(org.client, GET_PROJECT, id="p:1"))["project"]["metrics"]["totalCount"] == 2


async def test_an_admin_deletes_a_project_with_its_metrics(org: Api) -> None:
    nodes, edges = await graph_counts(org.store)
    project = (await gql(org.client, GET_PROJECT, id="p:1"))["project"]
    deleted = await mutate(org, DELETE, headers=ADMIN, id="p:1")
    assert deleted == {"id": "p:1"}
    assert (await gql(org.client, GET_PROJECT, id="p:1"))["project"] is None
    metrics = project["metrics"]["totalCount"]
    # the project and its 2 metric points go; with them its membership, usage and HAS_METRIC edges
    assert await graph_counts(org.store) == (nodes - 1 - metrics, edges - project["team"]["totalCount"] - 1 - metrics)
    assert (await gql(org.client, '{ person(id: "u:ada") { projects { totalCount } } }'))["person"]["projects"]["totalCount"] == 0
    assert (await gql(org.client, USED_BY, id="a:1"))["artifact"]["usedBy"]["totalCount"] == 0
    assert (await gql(org.client, GET_PROJECT, id="p:gone"))["project"]["metrics"]["totalCount"] == 1


async def test_deleting_an_unknown_project_is_not_found(org: Api, tmp_path: Path) -> None:
    error = await refused(org, tmp_path, DELETE, headers=ADMIN, id="p:nope")
    assert (error["code"], error["field"]) == ("NOT_FOUND", "id")


async def test_a_new_team_member_needs_a_name_that_is_not_blank(org: Api, tmp_path: Path) -> None:
    error = await refused(org, tmp_path, ADD_MEMBER, project="p:1", person="u:nameless", name="   ")
    assert (error["code"], error["field"]) == ("INVALID_INPUT", "name")


async def test_an_outcome_of_only_model_performance_is_shown(org: Api) -> None:
    query = f"mutation($id: ID!, $input: OutcomeInput!) {{ recordOutcome(projectId: $id, input: $input) {{ ... on Project {{ status outcome {{ modelPerformance businessImpact }} }} {ERROR} }} }}"
    done = await mutate(org, query, id="p:1", input={"modelPerformance": 0.71, "businessImpact": 3.5})
    assert done["status"] == "COMPLETED"
    assert done["outcome"] == {"modelPerformance": 0.71, "businessImpact": 3.5}
