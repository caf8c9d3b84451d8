"""Fast scoring of a fitted stance pipeline: the TF-IDF views and logistic regression as one table.

Scoring a handful of examples through scikit-learn costs about 3 ms of per-call overhead (the
ColumnTransformer and four vectorizers), which is what every service request pays; this computes the
same probabilities in a fraction of that. ``tests/test_model.py`` checks it against the pipeline.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

__all__ = ["LinearScorer"]


class LinearScorer:
    """The fitted TF-IDF views and logistic regression as one table of per-term class weights.

    Scoring a handful of examples through scikit-learn costs about 3 ms in per-call overhead
    (ColumnTransformer, four vectorizers), which is what a service request pays. This computes the same
    probabilities directly: per view, the n-grams' sublinear tf times idf, l2-normalised, dotted with the
    classifier's coefficients, then the softmax. ``tests/test_model.py`` checks it against
    ``pipeline.predict_proba``. Only a plain multinomial ``LogisticRegression`` is handled; anything
    else (calibration) uses scikit-learn.
    """

    def __init__(self, views, intercept):
        self.views = views  # (column, (min_n, max_n), {term: (idf, (w_0, w_1, w_2))})
        self.intercept = intercept

    @classmethod
    def build(cls, pipeline: Pipeline):
        """The scorer of ``pipeline``, or False when its parts are not the ones this handles."""
        features, clf = pipeline.named_steps["features"], pipeline.named_steps["clf"]
        if not isinstance(clf, LogisticRegression) or len(clf.classes_) != 3 or clf.coef_.shape[0] != 3:
            return False
        views = []
        for name, vec, column in features.transformers_:
            if name == "remainder":
                continue
            if not (isinstance(vec, TfidfVectorizer) and vec.sublinear_tf and vec.norm == "l2" and vec.use_idf
                    and vec.token_pattern == r"\S+" and not vec.lowercase):
                return False
            block = clf.coef_[:, features.output_indices_[name]]
            weights = {term: (float(vec.idf_[j]), tuple(float(w) for w in block[:, j]))
                       for term, j in vec.vocabulary_.items()}
            views.append((column, vec.ngram_range, weights))
        return cls(views, clf.intercept_.astype(float))

    def predict_proba(self, views: np.ndarray) -> np.ndarray:
        """Class probabilities, shape (n_samples, 3), in ``clf.classes_`` order."""
        logits = np.tile(self.intercept, (views.shape[0], 1))
        log = math.log
        for column, (lo, hi), weights in self.views:
            for row, text in enumerate(views[:, column]):
                tokens = text.split()
                counts: dict[str, int] = {}
                for n in range(lo, hi + 1):
                    grams = tokens if n == 1 else [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
                    for term in grams:
                        if term in weights:
                            counts[term] = counts.get(term, 0) + 1
                norm = a0 = a1 = a2 = 0.0
                for term, count in counts.items():
                    idf, (w0, w1, w2) = weights[term]
                    value = idf if count == 1 else (1.0 + log(count)) * idf
                    norm += value * value
                    a0 += value * w0
                    a1 += value * w1
                    a2 += value * w2
                if norm > 0:
                    scale = 1.0 / math.sqrt(norm)
                    logits[row, 0] += a0 * scale
                    logits[row, 1] += a1 * scale
                    logits[row, 2] += a2 * scale
        logits -= logits.max(axis=1, keepdims=True)
        prob = np.exp(logits)
        return prob / prob.sum(axis=1, keepdims=True)
