"""A directed pair's stance in one text from its sentences: the grouping and the article-level rule.

Used by :class:`training.predict.StancePredictor` (a request) and by archive coding
(:mod:`training.archive.coding`, one partition), so both decide a pair's stance alike. Why the rule is a
mean over the sentences that carry a stance, with its figures, is in :mod:`training.predict`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from training.articles import LABELS

__all__ = ["aggregate", "by_dyad"]


def by_dyad(examples: Sequence[dict], lo: int = 0, hi: int | None = None) -> dict[tuple[str, str], list[int]]:
    """Indices of ``examples[lo:hi]`` grouped by directed pair ``(source, target)``.

    Returns
    -------
    dict of (str, str) to list of int
        Pairs in order of first occurrence, each with its indices into ``examples`` in order.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for k in range(lo, len(examples) if hi is None else hi):
        groups.setdefault((examples[k]["source"], examples[k]["target"]), []).append(k)
    return groups


def aggregate(probabilities: np.ndarray) -> np.ndarray:
    """Article-level probabilities of a pair from its sentence probabilities.

    Parameters
    ----------
    probabilities : ndarray, shape (n_sentences, 3)

    Returns
    -------
    ndarray, shape (3,)
        The mean over the sentences whose most likely label is not ``neutral``, or over all sentences
        when every one is most likely ``neutral`` (columns in :data:`LABELS` order).
    """
    stance = probabilities.argmax(axis=1) != LABELS.index("neutral")
    return probabilities[stance].mean(axis=0) if stance.any() else probabilities.mean(axis=0)
