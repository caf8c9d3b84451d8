"""Event data from the stance path: CAMEO codes, quad classes and Goldstein scores per sentence x pair.

Modules
-------
link
    Which CAMEO verb phrase of a sentence (the vendored dictionary, :mod:`training.field`) links a
    directed pair (:func:`link`), with the sentence matched once (:class:`SentenceMatches`).
quad
    The verbal/material classifier saved with the model, and the four quad-class probabilities it gives
    with the stance (:class:`QuadClassifier`, :func:`quad_probabilities`).
code
    The event of each scored example: a dictionary code or a predicted quad class (:func:`code_events`),
    and a pair's sums (:func:`dyad_counts`).
"""

from training.events.code import EVENT_FIELDS, EventCode, code_events, dyad_counts
from training.events.link import SentenceMatches, link
from training.events.quad import QUAD_FILE, QuadClassifier, quad_probabilities

__all__ = ["EVENT_FIELDS", "EventCode", "QUAD_FILE", "QuadClassifier", "SentenceMatches", "code_events",
           "dyad_counts", "link", "quad_probabilities"]
