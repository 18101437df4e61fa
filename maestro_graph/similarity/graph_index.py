"""Graph evidence for every project at once: sparse incidence matrices, one product per query.

Scoring each project that shares a tag with the query in Python cost ~0.1 s at 100k projects (a
common tag is shared by thousands). Here the projects' artifacts, people and tags are three
CSR matrices (feature -> projects); a query's features select their rows, and the shared counts
of every project come out of one sparse sum each, in C.

Score in [0, 1]: Adamic-Adar over shared artifacts (a rarely used artifact says more than a
ubiquitous one), squashed as aa / (1 + aa); Jaccard of people and of tags; same problem class.
The parts weigh 0.5 / 0.2 / 0.2 / 0.1: reuse of the same artifacts is what "alike" means for
Maestro, the rest is supporting evidence.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any


class _Incidence:
    """feature -> the projects that have it, as a CSR matrix, with each project's feature count."""

    def __init__(self, per_project: Sequence[Collection[str]]) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix

        self.col: dict[str, int] = {}
        rows, cols = [], []
        for p, features in enumerate(per_project):
            for f in features:
                rows.append(self.col.setdefault(f, len(self.col)))
                cols.append(p)
        ones = np.ones(len(rows), dtype=np.float64)
        self.by_feature = csr_matrix((ones, (rows, cols)), shape=(len(self.col), len(per_project)))
        self.degree = np.asarray(self.by_feature.sum(axis=1)).ravel()  # projects per feature
        self.count = np.fromiter((len(f) for f in per_project), dtype=np.float64, count=len(per_project))

    def shared(self, features: Collection[str], weights: Any = None) -> Any:
        """Per project: how many (or how much weight) of `features` it has; None when none is known.

        Read from the CSR arrays and summed by one `bincount`: building a sparse matrix per call
        cost more than the sum itself."""
        import numpy as np

        rows = [self.col[f] for f in features if f in self.col]
        if not rows:
            return None
        indptr, indices = self.by_feature.indptr, self.by_feature.indices
        projects = np.concatenate([indices[indptr[r]:indptr[r + 1]] for r in rows])
        if weights is None:
            return np.bincount(projects, minlength=len(self.count)).astype(np.float64)
        w = np.repeat(weights(rows), np.diff(indptr)[rows])
        return np.bincount(projects, weights=w, minlength=len(self.count))

    def jaccard(self, features: Collection[str]) -> Any:
        import numpy as np

        inter = self.shared(features)
        if inter is None:
            return None
        union = len(features) + self.count - inter
        return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


class GraphIndex:
    """The graph evidence of one snapshot's projects (rows in the snapshot's order)."""

    def __init__(self, artifacts: Sequence[Collection[str]], people: Sequence[Collection[str]],
                 tags: Sequence[Collection[str]], classes: Sequence[str]) -> None:
        import numpy as np

        self.size = len(classes)
        self.artifacts = _Incidence(artifacts)
        self.people = _Incidence(people)
        self.tags = _Incidence(tags)
        self._classes = {c: i for i, c in enumerate(sorted(set(classes)))}
        self.class_code = np.fromiter((self._classes[c] for c in classes), dtype=np.int32, count=len(classes))
        self._aa_weight = 1.0 / np.log(2.0 + self.artifacts.degree)

    def evidence(self, artifacts: Collection[str], people: Collection[str], tags: Collection[str],
                 problem_class: str) -> tuple[Any, Any]:
        """(graph score of every project, rows sharing an artifact, a person or a tag with the query)."""
        import numpy as np

        score = np.zeros(self.size)
        linked = np.zeros(self.size, dtype=bool)
        aa = self.artifacts.shared(artifacts, lambda rows: self._aa_weight[rows])
        if aa is not None:
            score += 0.5 * aa / (1.0 + aa)
            linked |= aa > 0
        for part in (self.people.jaccard(people), self.tags.jaccard(tags)):
            if part is not None:
                score += 0.2 * part
                linked |= part > 0
        code = self._classes.get(problem_class)
        if code is not None:
            score += 0.1 * (self.class_code == code)
        return score, np.flatnonzero(linked)
