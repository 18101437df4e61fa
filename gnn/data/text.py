"""Text features for projects: the stored sentence embedding when every project has one, else a
TF-IDF + truncated SVD of name, description and tags fitted at training time.

One small class behind one interface (`fit`, `transform`) so the source can be swapped: the
embeddings work stores 384-d vectors in `Project.embedding`; until then (or on a graph where only
some projects are embedded) TF-IDF carries the lexical evidence, which on real catalogues beat
MiniLM for "projects like mine" (DESIGN.md, facts measured on main).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

MEMO_SIZE = 4096  # texts whose vectors a served model keeps (32 floats each)


class TextFeatures:
    """Dense text vectors for a list of (id, text) pairs."""

    def __init__(self, dims: int = 32, embeddings: Mapping[str, Sequence[float]] | None = None) -> None:
        self.dims = dims
        self.embeddings = dict(embeddings or {})
        self.source = "tfidf-svd"
        self._tfidf = None
        self._svd = None

    def fit(self, ids: Sequence[str], texts: Sequence[str]) -> TextFeatures:
        if ids and all(i in self.embeddings for i in ids):
            self.source = "embedding"
            return self
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._tfidf = TfidfVectorizer(min_df=1, sublinear_tf=True, ngram_range=(1, 1))
        matrix = self._tfidf.fit_transform(list(texts))
        dims = max(1, min(self.dims, matrix.shape[1] - 1, matrix.shape[0] - 1))
        self._svd = TruncatedSVD(n_components=dims, random_state=0).fit(matrix)
        return self

    def transform(self, ids: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        if self.source == "embedding":
            width = len(next(iter(self.embeddings.values())))
            rows = [self.embeddings.get(i) or self._embed_missing(width) for i in ids]
            return np.asarray(rows, dtype=np.float64)
        assert self._tfidf is not None and self._svd is not None, "fit() first"
        if len(texts) == 1:  # serving one project: its text rarely changes between requests
            memo: dict[str, np.ndarray] = self.__dict__.setdefault("_memo", {})
            if texts[0] not in memo:
                if len(memo) >= MEMO_SIZE:
                    memo.pop(next(iter(memo)))
                memo[texts[0]] = self._project(list(texts))
            return memo[texts[0]].copy()
        return self._project(list(texts))

    def _project(self, texts: list[str]) -> np.ndarray:
        assert self._tfidf is not None and self._svd is not None
        out = self._svd.transform(self._tfidf.transform(texts))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_memo"}

    @staticmethod
    def _embed_missing(width: int) -> list[float]:
        # A project added after training has no stored vector yet: a zero vector (no text signal)
        # rather than a guess; `maestro embed` then `maestro train` fixes it.
        return [0.0] * width
