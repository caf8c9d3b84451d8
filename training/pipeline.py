"""The stance pipeline, unfitted: ``DyadMasker -> ColumnTransformer(TF-IDF per view) -> LogisticRegression``,
optionally calibrated, from a configuration (:data:`DEFAULT_CONFIG`). :mod:`training.model` saves, loads
and scores it, and re-exports these names.
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from training.features import DyadMasker

__all__ = ["DEFAULT_CONFIG", "build_pipeline", "build_classifier", "build_vectorizer"]


DEFAULT_CONFIG = {
    "C": 4.0,
    "class_weight": "balanced",
    "sentence_ngrams": [1, 3],
    "between_ngrams": [1, 3],
    "relation_ngrams": [1, 2],
    "near_ngrams": [1, 1],
    "min_df": 1,
    "calibration": "temperature",  # "temperature" (set by training.fit), "none", "sigmoid" or "isotonic"
}


def build_vectorizer(config: dict) -> ColumnTransformer:
    """TF-IDF per view of :class:`~training.features.DyadMasker`, as one ColumnTransformer.

    Tokens are the masker's white-space tokens, so negation marks, placeholders and "u.s." are kept.
    """
    def tfidf(ngrams):
        return TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=tuple(ngrams),
                               min_df=config["min_df"], sublinear_tf=True, dtype=np.float32)

    return ColumnTransformer([
        ("sentence", tfidf(config["sentence_ngrams"]), 0),
        ("between", tfidf(config["between_ngrams"]), 1),
        ("relation", tfidf(config["relation_ngrams"]), 2),
        ("near", tfidf(config["near_ngrams"]), 3),
    ])


def build_classifier(config: dict, seed: int):
    """Logistic regression, wrapped in ``CalibratedClassifierCV`` for ``sigmoid`` or ``isotonic``
    calibration. Temperature scaling keeps the plain model: :mod:`training.fitting.fit` divides its fitted weights
    by the temperature, which changes no decision."""
    lr = LogisticRegression(C=config["C"], class_weight=config["class_weight"], max_iter=5000,
                            random_state=seed)
    if config.get("calibration", "none") in ("none", "temperature"):
        return lr
    return CalibratedClassifierCV(lr, method=config["calibration"], cv=5, ensemble=False)


def build_pipeline(config: dict | None = None, *, seed: int = 13) -> Pipeline:
    """The full, unfitted stance pipeline.

    Parameters
    ----------
    config : dict, optional
        Keys of :data:`DEFAULT_CONFIG`; missing keys take the defaults.
    seed : int, default=13

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``mask``, ``features``, ``clf``; fit on a list of example dicts and label strings.
    """
    config = {**DEFAULT_CONFIG, **(config or {})}
    return Pipeline([("mask", DyadMasker()), ("features", build_vectorizer(config)),
                     ("clf", build_classifier(config, seed))])
