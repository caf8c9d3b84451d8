"""Training the quad classifier (:mod:`training.events.quad`) beside the stance model, in ``training.fit``.

Labels come from the dictionary, not from people: an example labelled ``support`` whose pair a
cooperation code links (quad class 1 or 2), or ``oppose`` with a conflict code (3 or 4), is a verbal
(1, 3) or material (2, 4) example; the others are left out. The features are the fitted stance
pipeline's own matrix. The held-out figures are measured the same way on the held-out articles.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

import numpy as np

from training.events.link import SentenceMatches, link
from training.events.quad import QUAD_FILE, QuadClassifier, quad_probabilities
from training.field.verbs import DEFAULT_VERB_FILE
from training.model import StanceModel

__all__ = ["dictionary_quads", "fit_quad"]

log = logging.getLogger("training.fit")
_AGREES = {"support": (1, 2), "oppose": (3, 4)}


def dictionary_quads(rows: Sequence[dict], labels: Sequence[str], *, matches: SentenceMatches | None = None
                     ) -> np.ndarray:
    """The quad class of each labelled example where the dictionary gives one in the label's direction.

    Parameters
    ----------
    rows : sequence of dict
        Examples (:mod:`training.examples`).
    labels : sequence of str
        Their stance labels.
    matches : SentenceMatches, optional

    Returns
    -------
    ndarray of int, shape (n,)
        1..4, or 0 where there is no such code.
    """
    matches = matches or SentenceMatches()
    out = np.zeros(len(rows), dtype=int)
    for k, (row, label) in enumerate(zip(rows, labels)):
        if label in _AGREES:
            m = link(row, matches(row["text"]))
            if m is not None and m.quad_class in _AGREES[label]:
                out[k] = m.quad_class
    return out


def _matrix(pipeline, rows: Sequence[dict]):
    steps = pipeline.named_steps
    return steps["features"].transform(steps["mask"].transform(list(rows)))


def _figures(pipeline, quad: QuadClassifier, rows: Sequence[dict], quads: np.ndarray) -> dict:
    """Accuracy of the verbal/material call and of the four classes, against the dictionary's classes."""
    from sklearn.metrics import f1_score

    keep = np.flatnonzero(quads)
    if not len(keep):
        return {"n": 0}
    sub = [rows[k] for k in keep]
    matrix = _matrix(pipeline, sub)
    material = quad.p_material(matrix)
    stance = StanceModel(pipeline, {}).predict_proba(sub)
    predicted = quad_probabilities(stance, material).argmax(axis=1) + 1
    truth = quads[keep]
    right = (material >= 0.5) == np.isin(truth, (2, 4))
    return {"n": int(len(keep)), "material_accuracy": round(float(np.mean(right)), 4),
            "quad_accuracy": round(float(np.mean(predicted == truth)), 4),
            "quad_macro_f1": round(float(f1_score(truth, predicted, labels=[1, 2, 3, 4], average="macro",
                                                  zero_division=0)), 4)}


def fit_quad(pipeline, train_rows: Sequence[dict], train_labels: Sequence[str], test_rows: Sequence[dict],
             test_labels: Sequence[str], *, seed: int = 13) -> tuple[QuadClassifier | None, dict]:
    """Fit the verbal/material classifier on the training part; figures on the held-out part.

    Returns
    -------
    quad : QuadClassifier or None
        None when the training part holds no verbal or no material example (the metadata says so).
    metadata : dict
        What is saved under ``quad`` in the model's metadata.
    """
    matches = SentenceMatches()
    quads = dictionary_quads(train_rows, train_labels, matches=matches)
    keep = np.flatnonzero(quads)
    counts = {f"quad{q}": int((quads == q).sum()) for q in (1, 2, 3, 4)}
    meta = {"file": QUAD_FILE, "classes": ["verbal", "material"], "n_train": int(len(keep)), "label_counts": counts,
            "features": "the stance pipeline's TF-IDF views (its features step)",
            "labels": "quad class of the CAMEO verb phrase that links the pair, where it agrees with the stance "
                      "label (support: 1-2, oppose: 3-4)",
            "dictionary_sha256": hashlib.sha256(DEFAULT_VERB_FILE.read_bytes()).hexdigest()}
    try:
        quad = QuadClassifier.fit(_matrix(pipeline, [train_rows[k] for k in keep]), quads[keep], seed=seed)
    except ValueError as exc:
        log.warning("no quad classifier: %s", exc)
        return None, {**meta, "file": None, "skipped": str(exc)}
    if len(test_rows):
        meta["heldout"] = _figures(pipeline, quad, test_rows, dictionary_quads(test_rows, test_labels, matches=matches))
    log.info("quad classifier on %d examples (%s); held-out %s", len(keep), counts, meta.get("heldout"))
    return quad, meta
