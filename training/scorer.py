"""Batched scoring of a fitted stance pipeline: the TF-IDF views and logistic regression as array operations.

Scoring a handful of examples through scikit-learn costs about 3 ms of per-call overhead (the
ColumnTransformer and four vectorizers), which is what every service request would pay; an archive
scores thousands of examples per call. This does both with one path: per view, each example's n-grams
are looked up in the vectorizer's own vocabulary (the only per-token Python work), and everything after
that (term counts, sublinear tf x idf, l2 norms, the dot product with the classifier's coefficients,
the softmax) is a handful of NumPy operations over the whole batch. ``tests/test_model.py`` checks it
against ``pipeline.predict_proba``.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

__all__ = ["LinearScorer", "PLACEHOLDERS"]

PLACEHOLDERS = ("xsrcx", "xtgtx", "xothx")


def _ngrams(tokens: list[str], lo: int, hi: int) -> list[str]:
    grams = list(tokens) if lo == 1 else []
    for n in range(max(lo, 2), hi + 1):
        grams.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)))))
    return grams


class LinearScorer:
    """The fitted TF-IDF views and a multinomial logistic regression, scored in batches.

    Only a plain multinomial ``LogisticRegression`` over sublinear, l2-normalised TF-IDF views with the
    ``\\S+`` token pattern is handled (:meth:`build` returns False otherwise, and callers use
    scikit-learn).

    Parameters
    ----------
    views : list of tuple
        ``(column, (min_n, max_n), vocabulary, idf, weights)`` per view: the vectorizer's ``vocabulary_``
        (term -> column), ``idf_`` of shape (n_terms,) and the coefficients, shape (n_terms, 3).
    intercept : ndarray of float, shape (3,) or (3 + k,)
        With ``k`` extra columns: linear models over the same features scored in the same pass (the
        quad classifier of :mod:`training.events.quad`), whose raw logits :meth:`score_all` returns.
    known_vocabulary : dict
        The sentence view's vocabulary, for the known-word counts.
    """

    def __init__(self, views, intercept, known_vocabulary):
        self.views = views
        self.intercept = intercept
        self.known_vocabulary = known_vocabulary
        self._skip = {known_vocabulary[p] for p in PLACEHOLDERS if p in known_vocabulary}

    @classmethod
    def build(cls, pipeline: Pipeline, extra: tuple[np.ndarray, np.ndarray] | None = None):
        """The scorer of ``pipeline``, or False when its parts are not the ones this handles.

        ``extra``: coefficients of shape (k, n_features) and intercepts of shape (k,) of linear models over
        the pipeline's feature matrix, scored alongside (:meth:`score_all`).
        """
        features, clf = pipeline.named_steps["features"], pipeline.named_steps["clf"]
        if not isinstance(clf, LogisticRegression) or len(clf.classes_) != 3 or clf.coef_.shape[0] != 3:
            return False
        views = []
        for name, vec, column in features.transformers_:
            if name == "remainder":
                continue
            if not (isinstance(vec, TfidfVectorizer) and vec.sublinear_tf and vec.norm == "l2" and vec.use_idf
                    and vec.token_pattern == r"\S+" and not vec.lowercase and vec.analyzer == "word"
                    and vec.stop_words is None and vec.preprocessor is None and vec.tokenizer is None):
                return False
            weights = clf.coef_[:, features.output_indices_[name]].T
            if extra is not None:
                weights = np.hstack([weights, np.asarray(extra[0])[:, features.output_indices_[name]].T])
            weights = np.ascontiguousarray(weights, dtype=float)
            views.append((column, vec.ngram_range, vec.vocabulary_, np.asarray(vec.idf_, dtype=float), weights))
        sentence = features.named_transformers_["sentence"].vocabulary_
        intercept = clf.intercept_.astype(float)
        if extra is not None:
            intercept = np.concatenate([intercept, np.asarray(extra[1], dtype=float)])
        return cls(views, intercept, sentence)

    def score(self, views: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities and known-word counts of a batch (see :meth:`score_all`)."""
        prob, known, _ = self.score_all(views)
        return prob, known

    def score_all(self, views: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Class probabilities, known-word counts and the extra models' logits of a batch.

        Parameters
        ----------
        views : ndarray of str, shape (n_samples, n_views)
            The masker's output.

        Returns
        -------
        probabilities : ndarray of float, shape (n_samples, 3)
            In ``clf.classes_`` order.
        known : ndarray of int, shape (n_samples,)
            Tokens of the sentence view in its vocabulary, placeholders aside.
        extra : ndarray of float, shape (n_samples, k)
            The logits of the ``extra`` models given to :meth:`build` (k = 0 without).
        """
        n = views.shape[0]
        logits = np.tile(self.intercept, (n, 1))
        known = np.zeros(n, dtype=int)
        skip = self._skip
        for column, (lo, hi), vocabulary, idf, weights in self.views:
            get = vocabulary.get
            rows: list[int] = []
            ids: list[int] = []
            counting = vocabulary is self.known_vocabulary and lo == 1  # the sentence view: count its words
            for r, text in enumerate(views[:, column]):
                tokens = text.split()
                looked = list(map(get, _ngrams(tokens, lo, hi)))
                if counting:  # the unigrams come first
                    known[r] = sum(1 for j in looked[:len(tokens)] if j is not None and j not in skip)
                found = [j for j in looked if j is not None]
                ids.extend(found)
                rows.extend([r] * len(found))
            if not ids:
                continue
            keys, counts = np.unique(np.asarray(rows, dtype=np.int64) * len(idf) + np.asarray(ids), return_counts=True)
            row, term = keys // len(idf), keys % len(idf)
            value = (1.0 + np.log(counts)) * idf[term]
            norm = np.sqrt(np.bincount(row, weights=value * value, minlength=n))
            scale = np.divide(1.0, norm, out=np.zeros(n), where=norm > 0)
            contrib = weights[term] * (value * scale[row])[:, None]
            for c in range(weights.shape[1]):
                logits[:, c] += np.bincount(row, weights=contrib[:, c], minlength=n)
        if not any(v[2] is self.known_vocabulary and v[1][0] == 1 for v in self.views):
            get = self.known_vocabulary.get
            for r, text in enumerate(views[:, 0]):
                known[r] = sum(1 for j in map(get, text.split()) if j is not None and j not in skip)
        extra = logits[:, 3:]
        logits = logits[:, :3] - logits[:, :3].max(axis=1, keepdims=True)
        prob = np.exp(logits)
        return prob / prob.sum(axis=1, keepdims=True), known, extra

    def predict_proba(self, views: np.ndarray) -> np.ndarray:
        """Class probabilities, shape (n_samples, 3), in ``clf.classes_`` order."""
        return self.score_all(views)[0]
