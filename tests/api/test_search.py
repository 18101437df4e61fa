"""Searching the music library: words in names, descriptions and tags, filters, paging, odd input."""

from __future__ import annotations

import re
from typing import Any

import pytest

from maestro_graph.store.port import GraphStore
from tests.api.conftest import Api, gql, ids, load

SEARCH = """query($q: String, $type: ArtifactType, $tags: [String!], $min: Float, $first: Int, $after: String) {
  searchArtifacts(query: $q, type: $type, tags: $tags, minImpactScore: $min, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { score impactScore usageCount node { id name } }
  }
}"""

ARTIFACTS = [
    {"kind": "artifact", "id": "a:fraud", "name": "fraud-detector", "artifactType": "model_template",
     "description": "Gradient boosted model for card fraud", "tags": ["payments"]},
    {"kind": "artifact", "id": "a:tx", "name": "feature-pipeline-transactions", "artifactType": "feature_pipeline",
     "description": "Aggregates card transactions per customer", "tags": ["fraud", "transactions"]},
    {"kind": "artifact", "id": "a:ds", "name": "transactions-dump", "artifactType": "dataset",
     "description": "Raw card transactions", "tags": ["transactions"]},
    {"kind": "artifact", "id": "a:enc", "name": "text-encoder-pretrained", "artifactType": "model_template",
     "description": "Sentence encoder for support tickets", "tags": ["nlp"]},
    {"kind": "artifact", "id": "a:sch", "name": "schema-customer-events", "artifactType": "schema",
     "description": "Event schema", "tags": ["events", "deprecated"]},
    {"kind": "artifact", "id": "a:nb", "name": "eda-notebook", "artifactType": "notebook",
     "description": "Exploratory analysis of churn", "tags": ["churn"]},
] + [
    {"kind": "artifact", "id": f"a:util{i:02d}", "name": f"utility-{i:02d}", "artifactType": "library",
     "description": "Small helpers", "tags": ["helpers"]}
    for i in range(12)
]
PROJECTS = [{"kind": "project", "id": f"p:{i}", "name": f"project-{i}"} for i in range(1, 5)]
USAGES = [
    {"kind": "usage", "project": "p:1", "artifact": "a:tx", "context": "training", "score": 0.9},
    {"kind": "usage", "project": "p:2", "artifact": "a:tx", "context": "training", "score": 0.7},
    {"kind": "usage", "project": "p:3", "artifact": "a:fraud", "context": "serving", "score": 0.6},
    {"kind": "usage", "project": "p:1", "artifact": "a:ds", "context": "training", "score": 0.2},
    {"kind": "usage", "project": "p:4", "artifact": "a:ds", "context": "training", "score": 0.4},
    {"kind": "usage", "project": "p:4", "artifact": "a:enc", "context": "serving"},
]


def tokens(artifact: dict[str, Any]) -> set[str]:
    text = " ".join([artifact["name"], artifact.get("description", ""), *artifact.get("tags", [])])
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def matches(query: str) -> set[str]:
    """Every word must occur in the name, description or tags; the last one may be a prefix."""
    *words, last = query.lower().split()
    return {a["id"] for a in ARTIFACTS
            if all(w in tokens(a) for w in words) and any(t.startswith(last) for t in tokens(a))}


def impact(artifact_id: str) -> float | None:
    scores = [u["score"] for u in USAGES if u["artifact"] == artifact_id and "score" in u]
    return sum(scores) / len(scores) if scores else None


@pytest.fixture
async def library(api: Api, store: GraphStore) -> Api:
    await load(store, ARTIFACTS + PROJECTS + USAGES)
    return api


async def search(api: Api, q: str | None = None, **filters: Any) -> dict[str, Any]:
    return (await gql(api.client, SEARCH, q=q, **filters))["searchArtifacts"]


async def found(api: Api, q: str | None = None, **filters: Any) -> set[str]:
    page = await search(api, q, first=100, **filters)
    assert page["totalCount"] == len(page["edges"])
    return set(ids(page))


@pytest.mark.parametrize(("query", "where"), [
    ("detector", "name"),
    ("pretrained", "name"),
    ("gradient boosted", "description"),
    ("exploratory", "description"),
    ("deprecated", "tags"),
    ("payments", "tags"),
])
async def test_words_are_found_in_names_descriptions_and_tags(library: Api, query: str, where: str) -> None:
    hits = await found(library, query)
    assert hits == matches(query) and len(hits) == 1
    [artifact] = [a for a in ARTIFACTS if a["id"] in hits]
    fields = {"name": artifact["name"], "description": artifact["description"].lower(), "tags": " ".join(artifact["tags"])}
    assert [f for f, text in fields.items() if query.split()[0] in text] == [where]  # found only through `where`


async def test_every_word_must_match_and_case_does_not_matter(library: Api) -> None:
    assert await found(library, "card transactions") == matches("card transactions") == {"a:tx", "a:ds"}
    assert await found(library, "FRAUD") == matches("fraud") == {"a:fraud", "a:tx"}  # a:tx through its tag
    assert await found(library, "card customer") == {"a:tx"}
    assert await found(library, "churn payments") == set()


async def test_the_last_word_is_a_prefix_so_search_as_you_type_works(library: Api) -> None:
    assert await found(library, "transa") == matches("transa") == {"a:tx", "a:ds"}
    assert await found(library, "card transac") == matches("card transac") == {"a:tx", "a:ds"}
    assert await found(library, "enc") == {"a:enc"}
    assert await found(library, "transa card") == set()  # only the last word is a prefix


async def test_hits_carry_a_text_score_and_their_usage_impact(library: Api) -> None:
    page = await search(library, "card", first=100)
    assert page["edges"] and all(e["score"] > 0 for e in page["edges"])
    scores = [e["score"] for e in page["edges"]]
    assert scores == sorted(scores, reverse=True)
    for edge in page["edges"]:
        aid = edge["node"]["id"]
        assert edge["usageCount"] == sum(1 for u in USAGES if u["artifact"] == aid)
        assert edge["impactScore"] == pytest.approx(impact(aid))


async def test_filter_by_type(library: Api) -> None:
    assert await found(library, "fraud", type="FEATURE_PIPELINE") == {"a:tx"}
    assert await found(library, "fraud", type="MODEL_TEMPLATE") == {"a:fraud"}
    assert await found(library, type="LIBRARY") == {a["id"] for a in ARTIFACTS if a["artifactType"] == "library"}


async def test_filter_by_tags_needs_every_tag(library: Api) -> None:
    assert await found(library, "card", tags=["transactions"]) == {"a:tx", "a:ds"}
    assert await found(library, "card", tags=["Transactions", "fraud"]) == {"a:tx"}
    assert await found(library, tags=["transactions"]) == {a["id"] for a in ARTIFACTS if "transactions" in a["tags"]}
    assert await found(library, "card", tags=["nlp"]) == set()


async def test_min_impact_score_is_the_mean_score_of_the_usages(library: Api) -> None:
    assert await found(library, "card", min=0.5) == {a for a in matches("card") if (impact(a) or -1) >= 0.5} == {"a:tx", "a:fraud"}
    browse = await search(library, min=0.25, first=100)
    expected = sorted((a["id"] for a in ARTIFACTS if (impact(a["id"]) or -1) >= 0.25), key=lambda a: -(impact(a) or 0))
    assert ids(browse) == expected == ["a:tx", "a:fraud", "a:ds"]
    assert [e["impactScore"] for e in browse["edges"]] == pytest.approx([0.8, 0.6, 0.3])
    assert await found(library, "card", min=0.85) == set()


async def test_without_words_every_artifact_is_listed_best_impact_first(library: Api) -> None:
    page = await search(library, first=100)
    assert page["totalCount"] == len(ARTIFACTS)
    impacts = [e["impactScore"] if e["impactScore"] is not None else -1 for e in page["edges"]]
    assert impacts == sorted(impacts, reverse=True)
    assert all(e["score"] == 0 for e in page["edges"])


async def test_paging_through_hits_returns_each_once(library: Api) -> None:
    expected = matches("utility")
    assert len(expected) == 12
    seen: list[str] = []
    after = None
    while True:
        page = await search(library, "utility", first=5, after=after)
        assert page["totalCount"] == len(expected)
        seen += ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 12 and set(seen) == expected


@pytest.mark.parametrize("query", [
    "\"fraud -(detect*\" OR '\"", "fraud -detector", "@name:fraud", "fraud|detector", "~fraud", "fraud}", "{*}",
    "%", "*", "-", "\\", "\"", "'", "()", "[0 TO 1]", "ünïcødé ✓", "x" * 500, "a " * 300,
    "$param", "'); MATCH (n) DETACH DELETE n //", "1.0.0", "",
])
async def test_punctuation_and_query_syntax_never_break_a_search(library: Api, query: str) -> None:
    page = await search(library, query, first=100)
    assert page["totalCount"] == len(page["edges"])
    assert await found(library) == {a["id"] for a in ARTIFACTS}  # and nothing was lost on the way


async def test_punctuation_is_not_query_syntax(library: Api) -> None:
    assert await found(library, "fraud -detector") == {"a:fraud"}  # not "fraud but not detector"
    assert await found(library, "fraud|detector") == {"a:fraud"}  # not "fraud or detector"
    assert await found(library, "(card) transactions*") == {"a:tx", "a:ds"}


async def test_common_words_in_a_query_do_not_hide_the_hits(library: Api) -> None:
    assert await found(library, "the fraud detector") == await found(library, "fraud detector") == {"a:fraud"}
    assert await found(library, "card and transactions") == {"a:tx", "a:ds"}
    assert await found(library, "\"fraud -(detect*\" OR '\"") == {"a:fraud"}


async def test_equal_text_matches_rank_by_impact_unscored_last(api: Api, store: GraphStore) -> None:
    await load(store, [
        *({"kind": "artifact", "id": f"a:{n}", "name": f"{n}-widget", "artifactType": "library"} for n in ("alpha", "beta", "gamma")),
        {"kind": "project", "id": "p:1", "name": "user"},
        {"kind": "usage", "project": "p:1", "artifact": "a:gamma", "context": "training", "score": 0.9},
        {"kind": "usage", "project": "p:1", "artifact": "a:beta", "context": "training", "score": 0.1},
    ])
    page = await search(api, "widget")
    assert len({e["score"] for e in page["edges"]}) == 1  # the same words: the same text score
    assert ids(page) == ["a:gamma", "a:beta", "a:alpha"]


async def test_before_training_the_impact_is_the_recorded_mean_and_there_is_no_estimate(library: Api) -> None:
    data = await gql(library.client, '{ artifact(id: "a:tx") { impactScore impactEstimate { score low high n } '
                                      'impactByClass { score } } }')
    assert data["artifact"] == {"impactScore": pytest.approx(impact("a:tx")), "impactEstimate": None, "impactByClass": []}
