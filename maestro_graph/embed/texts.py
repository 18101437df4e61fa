"""What text of a node is embedded, and its hash (so unchanged text is never re-embedded)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

# The fields whose words say what a node is about. Ids, versions, paths and numbers do not.
PROJECT_FIELDS = ("name", "description", "problemClass", "tags")
ARTIFACT_FIELDS = ("name", "artifactType", "description", "tags")
FIELDS = {"Project": PROJECT_FIELDS, "Artifact": ARTIFACT_FIELDS}


def _words(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v)
    return str(value).replace("_", " ")


def node_text(label: str, node: Mapping[str, Any]) -> str:
    """One line per non-empty field, in a fixed order: 'fraud-scoring. Scores card payments. ...'."""
    parts = [_words(node.get(field)).strip() for field in FIELDS[label]]
    return ". ".join(p for p in parts if p)


def text_hash(text: str) -> str:
    """A short stable digest of the embedded text, stored as `embeddingTextHash`."""
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def is_stale(node: Mapping[str, Any], text: str, model: str) -> bool:
    """True when the node has no vector, or one made from other text or by another model."""
    return not node.get("hasEmbedding") or node.get("embeddingModel") != model or node.get("embeddingTextHash") != text_hash(text)
