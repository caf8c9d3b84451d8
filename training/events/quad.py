"""The quad class of a sentence the CAMEO dictionary does not code: a verbal/material classifier and the stance.

The four CAMEO quad classes are a 2 x 2: cooperation or conflict, words or deeds. The stance model already
says cooperation (``support``) or conflict (``oppose``); what it does not say is whether the sentence
reports words (a statement, a demand, a threat: quad classes 1 and 3) or deeds (aid, troops, sanctions,
strikes: 2 and 4). :class:`QuadClassifier` is a logistic regression that says that, over the stance
model's own TF-IDF features (its four views), so the archive scores both in one pass
(:class:`training.scorer.LinearScorer` carries its weights as an extra column).

It is trained by ``training.fit`` on the training part's examples labelled ``support`` or ``oppose``
whose pair the dictionary links with a verb phrase of the same direction (a cooperation code for
``support``, a conflict code for ``oppose``): the phrase's quad class says verbal or material. The four
probabilities of a sentence are then (:func:`quad_probabilities`)::

    P(1) = s (1 - m)    P(2) = s m    P(3) = o (1 - m)    P(4) = o m

with ``s = p_support / (p_support + p_oppose)``, ``o = 1 - s`` and ``m`` the classifier's probability
of deeds: the quad class given that the sentence reports an event between the pair. The classifier is
saved with the model, as a second skops file of the same version folder (``quad.skops``, only trusted
scikit-learn types, its sha256 in the metadata under ``quad``), and checked and loaded with it.
"""

from __future__ import annotations

import numpy as np
import skops.io as sio
from sklearn.linear_model import LogisticRegression

__all__ = ["QUAD_FILE", "QuadClassifier", "quad_probabilities"]

QUAD_FILE = "quad.skops"
_MATERIAL = {1: 0, 2: 1, 3: 0, 4: 1}


def quad_probabilities(stance: np.ndarray, material: np.ndarray) -> np.ndarray:
    """The four quad-class probabilities of sentences, given an event between the pair.

    Parameters
    ----------
    stance : ndarray, shape (n, 3)
        ``p_support``, ``p_oppose``, ``p_neutral`` (the order of :data:`training.articles.LABELS`).
    material : ndarray, shape (n,)
        Probability that the sentence reports deeds rather than words.

    Returns
    -------
    ndarray, shape (n, 4)
        Quad classes 1..4 in columns 0..3; rows sum to 1.
    """
    s = stance[:, 0] / np.maximum(stance[:, 0] + stance[:, 1], 1e-12)
    m = np.clip(material, 0.0, 1.0)
    return np.column_stack([s * (1 - m), s * m, (1 - s) * (1 - m), (1 - s) * m])


class QuadClassifier:
    """Words or deeds: a binary logistic regression over the stance model's feature matrix.

    Parameters
    ----------
    clf : LogisticRegression
        Fitted on classes ``0`` (verbal) and ``1`` (material).
    """

    def __init__(self, clf: LogisticRegression):
        if list(getattr(clf, "classes_", [])) != [0, 1] or clf.coef_.shape[0] != 1:
            raise ValueError("the quad classifier must be a binary logistic regression over classes 0, 1")
        self.clf = clf

    @classmethod
    def fit(cls, features, quads: np.ndarray, *, C: float = 4.0, seed: int = 13) -> QuadClassifier:
        """Fit on a feature matrix and the quad classes (1..4) the dictionary gave its rows.

        Parameters
        ----------
        features : sparse matrix, shape (n, n_features)
            The stance pipeline's ``features`` step output for the rows.
        quads : ndarray of int, shape (n,)
        C : float, default=4.0
        seed : int, default=13

        Raises
        ------
        ValueError
            When the rows hold only verbal or only material classes.
        """
        y = np.array([_MATERIAL[int(q)] for q in quads])
        if len(set(y)) < 2:
            raise ValueError("the training rows hold only verbal or only material events")
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed)
        return cls(clf.fit(features, y))

    def p_material(self, features) -> np.ndarray:
        """Probability of deeds, shape (n,), from the stance pipeline's feature matrix."""
        return self.clf.predict_proba(features)[:, 1]

    @property
    def weights(self) -> np.ndarray:
        """Coefficients, shape (n_features,), and :attr:`intercept` of the material logit."""
        return self.clf.coef_[0]

    @property
    def intercept(self) -> float:
        return float(self.clf.intercept_[0])

    def dumps(self) -> bytes:
        """The skops bytes of the classifier."""
        return sio.dumps(self.clf, compression=8)

    @classmethod
    def loads(cls, payload: bytes) -> QuadClassifier:
        """Load skops bytes holding only skops' trusted types (no code runs).

        Raises
        ------
        ValueError
            When the file holds another type or is not a binary logistic regression.
        """
        untrusted = sio.get_untrusted_types(data=payload)
        if untrusted:
            raise ValueError(f"the quad classifier file holds untrusted types: {', '.join(untrusted[:3])}")
        clf = sio.loads(payload, trusted=[])
        if not isinstance(clf, LogisticRegression):
            raise ValueError(f"the quad classifier file holds a {type(clf).__name__}, not a LogisticRegression")
        return cls(clf)
