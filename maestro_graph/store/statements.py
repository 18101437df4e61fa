"""Named Cypher statements, loaded from `cypher/`.

A statement is a file `cypher/NAME.cypher`; a dialect may replace it with
`cypher/<dialect>/NAME.cypher`. The whole set is loaded and checked when a store opens, so a
missing or misspelled statement fails at start-up, not on the first request that needs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

DIALECTS = ("falkordb", "neo4j")


def cypher_root() -> Path:
    """The `cypher/` folder: inside the installed wheel, else beside the package in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "cypher"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "cypher"


class MissingStatement(LookupError):
    """Raised at start-up when code names a statement that has no file."""


class Statements(Mapping[str, str]):
    """The statements one dialect runs: name -> Cypher text (immutable once loaded)."""

    def __init__(self, texts: dict[str, str], dialect: str) -> None:
        self._texts = texts
        self.dialect = dialect

    @classmethod
    def load(cls, dialect: str, root: Path | None = None) -> Statements:
        if dialect not in DIALECTS:
            raise ValueError(f"unknown Cypher dialect {dialect!r}; expected one of {DIALECTS}")
        root = root or cypher_root()
        texts = {p.stem: p.read_text() for p in sorted(root.glob("*.cypher"))}
        texts.update({p.stem: p.read_text() for p in sorted((root / dialect).glob("*.cypher"))})
        return cls(texts, dialect)

    def require(self, names: Iterable[str]) -> None:
        missing = sorted(set(names) - set(self._texts))
        if missing:
            raise MissingStatement(f"no cypher/ file for statement(s) {', '.join(missing)} ({self.dialect})")

    def __getitem__(self, name: str) -> str:
        try:
            return self._texts[name]
        except KeyError:
            raise MissingStatement(f"no cypher/ file for statement {name!r} ({self.dialect})") from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def ddl(self) -> list[str]:
        """The dialect's schema statements (`schema.cypher`, one statement per `;`)."""
        text = self["schema"]
        lines = [ln for ln in text.splitlines() if not ln.strip().startswith("//")]
        return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
