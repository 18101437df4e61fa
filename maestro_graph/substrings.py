"""Stored search text for `contains` filters: a lower-cased copy and its trigrams.

A `contains` condition is a substring test, so without help the store tests every node: 15 of
them cost ~0.5 s over 100k projects (bench/list_filters.py). For the fields in `SEARCHABLE`,
every write path stores two derived properties next to the text:

- `<field>Lower`: the text lower-cased here, in Python, the one place that lower-cases;
- `<field>Grams`: the distinct 3-character slices of that lower-cased text.

A needle of at least 3 characters can only occur in a text that holds every one of its
trigrams, so `$g1 IN n.nameGrams AND $g2 IN n.nameGrams ...` (served by a range index on the
array property in FalkorDB) narrows the candidates soundly, and `n.nameLower CONTAINS $needle`
re-checks each candidate exactly (service/compile.py). Both properties are derived from the same
string, so the narrowing can never drop a node the exact test would keep.

Writers: the JSONL importer (ingest/records.py), createProject/updateProject (service/writes.py),
and bootstrap's backfill for nodes stored before this existed (store/search_text.py).
"""

from __future__ import annotations

from typing import Any

# label -> fields stored with a lower-cased copy and trigrams
SEARCHABLE: dict[str, tuple[str, ...]] = {"Project": ("name",)}
GRAM = 3
NEEDLE_GRAMS = 4  # trigrams of a needle tested in the index; a fixed count keeps the statement text free of values


def lower_key(field: str) -> str:
    return f"{field}Lower"


def grams_key(field: str) -> str:
    return f"{field}Grams"


def derived_keys(label: str) -> frozenset[str]:
    """The stored-only properties of a label (never shown to a client, never exported)."""
    return frozenset(key for f in SEARCHABLE.get(label, ()) for key in (lower_key(f), grams_key(f)))


def trigrams(lowered: str) -> list[str]:
    """The distinct trigrams of already lower-cased text, sorted (empty below 3 characters)."""
    return sorted({lowered[i : i + GRAM] for i in range(len(lowered) - GRAM + 1)})


def needle_grams(lowered: str) -> list[str] | None:
    """`NEEDLE_GRAMS` trigrams spread over a lower-cased needle (repeated when it has fewer);
    None when it is shorter than a trigram and so cannot be narrowed by the index."""
    distinct = list(dict.fromkeys(lowered[i : i + GRAM] for i in range(len(lowered) - GRAM + 1)))
    if not distinct:
        return None
    if len(distinct) <= NEEDLE_GRAMS:
        return distinct + [distinct[-1]] * (NEEDLE_GRAMS - len(distinct))
    step = (len(distinct) - 1) / (NEEDLE_GRAMS - 1)  # first and last trigram, and evenly between
    return [distinct[round(i * step)] for i in range(NEEDLE_GRAMS)]


def search_props(label: str, props: dict[str, Any]) -> dict[str, Any]:
    """The derived properties for the searchable fields present (as strings) in `props`."""
    out: dict[str, Any] = {}
    for f in SEARCHABLE.get(label, ()):
        text = props.get(f)
        if isinstance(text, str):
            lowered = text.lower()
            out[lower_key(f)] = lowered
            out[grams_key(f)] = trigrams(lowered)
    return out
