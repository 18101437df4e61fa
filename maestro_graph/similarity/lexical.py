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

    def vectorize(self, text: str) -> Any:
        """The query's TF-IDF row (None when nothing is indexed); compute once, use for scores and terms."""
        if self.empty:
            return None
        import numpy as np
        from scipy.sparse import csr_matrix

        counts = Counter(self._vocabulary[t] for t in self._analyze(text) if t in self._vocabulary)
        cols = np.fromiter(sorted(counts), dtype=np.int32, count=len(counts))
        data = np.array([(1.0 + math.log(counts[c])) * self._idf[c] for c in cols], dtype=np.float64)
        norm = float(np.sqrt((data * data).sum()))
        if norm > 0:
            data /= norm
        return csr_matrix((data, cols, np.array([0, len(cols)])), shape=(1, len(self._vocabulary)))

    def query(self, q: Any) -> Any:
        """A dense array of cosine scores, one per document (zeros when nothing is indexed)."""
        import numpy as np

        if q is None or self.by_term is None or q.nnz == 0:
            return np.zeros(self.size)
        return (q @ self.by_term).toarray().ravel()

    def matching_terms(self, q: Any, row: int, limit: int = 3) -> list[str]:
        if q is None or self.matrix is None:
            return []
        both = self.matrix[row].multiply(q).tocoo()
        ranked = sorted(zip(both.data, both.col), reverse=True)[:limit]
        return [str(self.terms[c]) for _, c in ranked]
