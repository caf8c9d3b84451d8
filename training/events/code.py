"""The event of each sentence x directed pair: its CAMEO code from the dictionary, or a predicted quad class.

:func:`code_events` gives every scored example an :class:`EventCode` or None:

- where a CAMEO verb phrase links the pair (:mod:`training.events.link`): its code, root, quad class and
  Goldstein score (:mod:`training.field.codes`), ``quad_source="dictionary"`` and no probability;
- else, where the sentence's stance is ``support`` or ``oppose``: the quad class of
  :func:`training.events.quad.quad_probabilities` with its probability, ``quad_source="model"`` and no
  code or Goldstein score (the score belongs to a code);
- else (a ``neutral`` sentence the dictionary does not code, or a model saved without a quad classifier):
  None.

:func:`dyad_counts` sums a pair's sentences into the dyad row's quad-class counts and mean Goldstein score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from training.events.link import SentenceMatches, link
from training.events.quad import quad_probabilities

__all__ = ["EVENT_FIELDS", "EventCode", "code_events", "dyad_counts"]

_STANCE = (0, 1)  # support, oppose columns of LABELS


@dataclass(frozen=True)
class EventCode:
    """The event a sentence reports between a directed pair.

    Attributes
    ----------
    cameo_code, cameo_root : str or None
        The CAMEO event code ("112") and root ("11") of the linking verb phrase; None when predicted.
    quad_class : int
        1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
    quad_source : str
        ``"dictionary"`` or ``"model"``.
    quad_probability : float or None
        With ``"model"``: the probability of ``quad_class`` given an event between the pair.
    goldstein : float or None
        Goldstein (1992) score of the code; None when predicted.
    event_text : str or None
        The matched words as written ("signed agreement"); None when predicted.
    event_start, event_end : int or None
        Offsets of the phrase in the sentence.
    """

    cameo_code: str | None
    cameo_root: str | None
    quad_class: int
    quad_source: str
    quad_probability: float | None
    goldstein: float | None
    event_text: str | None
    event_start: int | None
    event_end: int | None

    def as_dict(self) -> dict:
        return {f: getattr(self, f) for f in EVENT_FIELDS}


EVENT_FIELDS = ("cameo_code", "cameo_root", "quad_class", "quad_source", "quad_probability", "goldstein",
                "event_text", "event_start", "event_end")


def code_events(examples: Sequence[dict], probabilities: np.ndarray, material: np.ndarray | None, *,
                matches: SentenceMatches | None = None) -> list[EventCode | None]:
    """The event of each example (see the module docstring).

    Parameters
    ----------
    examples : sequence of dict
        Scored examples (:mod:`training.examples`).
    probabilities : ndarray, shape (n, 3)
        Their stance probabilities (``LABELS`` order).
    material : ndarray, shape (n,), or None
        Probability of deeds from the model's quad classifier; None when the model has none.
    matches : SentenceMatches, optional
        A cache of matched sentences to reuse (a new one by default).

    Returns
    -------
    list of EventCode or None
    """
    matches = matches or SentenceMatches()
    quads = quad_probabilities(probabilities, material) if material is not None and len(examples) else None
    out: list[EventCode | None] = []
    for k, e in enumerate(examples):
        m = link(e, matches(e["text"], e["source_spans"] + e["target_spans"] + (e.get("other_spans") or [])))
        if m is not None:
            out.append(EventCode(m.code, m.root, m.quad_class, "dictionary", None, m.goldstein, " ".join(m.words),
                                 m.start, m.end))
        elif quads is not None and int(np.argmax(probabilities[k])) in _STANCE:
            q = int(np.argmax(quads[k]))
            out.append(EventCode(None, None, q + 1, "model", round(float(quads[k, q]), 6), None, None, None, None))
        else:
            out.append(None)
    return out


def dyad_counts(events: Sequence[EventCode | None]) -> dict:
    """A pair's sentences summed: ``n_quad1`` .. ``n_quad4``, ``n_coded`` and ``goldstein_mean``.

    Parameters
    ----------
    events : sequence of EventCode or None
        The events of the pair's evidence sentences.

    Returns
    -------
    dict
        ``n_quadK``: sentences of quad class K (dictionary or model); ``n_coded``: sentences with a CAMEO
        code; ``goldstein_mean``: the mean Goldstein score over those (None when there is none).
    """
    counts = [0, 0, 0, 0]
    scores = []
    for ev in events:
        if ev is None:
            continue
        counts[ev.quad_class - 1] += 1
        if ev.goldstein is not None:
            scores.append(ev.goldstein)
    return {"n_quad1": counts[0], "n_quad2": counts[1], "n_quad3": counts[2], "n_quad4": counts[3],
            "n_coded": len(scores), "goldstein_mean": round(sum(scores) / len(scores), 4) if scores else None}
