"""TF-IDF over project texts, queried as one sparse product over a matrix fitted once per snapshot.

Lexical scoring lives in the service rather than in the store because the store's full-text
index scores TF-IDF with no control over weighting, and "which words matched" must be explained.
Fitting happens when a snapshot is built (in a thread); a query only tokenises its own text with
the fitted vocabulary and multiplies it with the term -> documents matrix, which touches only the
documents that share a word with it (not every row, as `matrix @ q.T` did).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

TOKEN = re.compile(r"[a-z][a-z0-9]+")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


class LexicalIndex:
    """TF-IDF (sublinear tf, smooth idf, l2 norm, English stop words) over one text per document.

    Scores are cosines in [0, 1]; `matching_terms` names the shared words that weigh most.
    `vectorize` reproduces `TfidfVectorizer.transform` (a test checks it) without its per-call
    validation, which cost more than the product itself.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", token_pattern=TOKEN.pattern,
                                          lowercase=True, min_df=1)
        self.size = len(texts)
        self.matrix: Any = None  # documents x terms (CSR)
        self.by_term: Any = None  # terms x documents (CSR): a query's terms select their rows
        self.terms: Any = None
        try:
            self.matrix = self.vectorizer.fit_transform(texts).tocsr()
            self.terms = self.vectorizer.get_feature_names_out()
            self.by_term = self.matrix.T.tocsr()
            self._analyze = self.vectorizer.build_analyzer()
            self._vocabulary: dict[str, int] = self.vectorizer.vocabulary_
            self._idf = self.vectorizer.idf_
        except ValueError:  # no documents, or nothing but stop words: no lexical evidence
            self.matrix = None
        self.empty = self.matrix is None

    def vectorize(self, text: str) -> dict[int, float] | None:
        """The query's TF-IDF weights by term column (None when nothing is indexed); compute once,
        use for scores and terms."""
        if self.empty:
            return None
        counts = Counter(self._vocabulary[t] for t in self._analyze(text) if t in self._vocabulary)
        weights = {c: (1.0 + math.log(n)) * float(self._idf[c]) for c, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {c: w / norm for c, w in weights.items()} if norm > 0 else {}

    def query(self, q: dict[int, float] | None) -> Any:
        """A dense array of cosine scores, one per document (zeros when nothing is indexed).

        Each query term's row of the term -> documents matrix is read straight from its CSR
        arrays and the weighted rows are summed with one `bincount`: no sparse matrix is built
        per call (scipy's constructors and checks cost more than the arithmetic here)."""
        import numpy as np

        if not q or self.by_term is None:
            return np.zeros(self.size)
        indptr, indices, data = self.by_term.indptr, self.by_term.indices, self.by_term.data
        docs = np.concatenate([indices[indptr[c]:indptr[c + 1]] for c in q])
        weights = np.concatenate([data[indptr[c]:indptr[c + 1]] * w for c, w in q.items()])
        return np.bincount(docs, weights=weights, minlength=self.size)

    def matching_terms(self, q: dict[int, float] | None, row: int, limit: int = 3) -> list[str]:
        """The shared words of the query and document `row` that weigh most in their cosine."""
        if not q or self.matrix is None:
            return []
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        both = [(float(d) * q[int(c)], int(c)) for c, d in zip(self.matrix.indices[start:end], self.matrix.data[start:end])
                if int(c) in q]
        return [str(self.terms[c]) for _, c in sorted(both, reverse=True)[:limit]]
