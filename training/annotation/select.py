"""Which directed dyads to label next: uncertainty sampling spread over articles and actors.

The model's probabilities give each candidate (one directed pair in one sentence) an uncertainty: the
smallest margin between the two most likely labels, or the highest entropy. Candidates are then taken
greedily, most uncertain first, with at most ``per_article`` from one article and a penalty for every
earlier pick of the same directed dyad, so a batch covers many articles and pairs of actors rather than
one long article about one pair. Selection is O(n log n) in the number of candidates (a lazy heap).
"""

from __future__ import annotations

import heapq
import logging
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from training.articles import LABELS
from training.document import prepare
from training.examples import candidate_examples
from training.language import detect_language
from training.limits import LimitExceeded

__all__ = ["STRATEGIES", "uncertainty", "select", "candidate_key", "Proposal", "propose"]

log = logging.getLogger(__name__)

STRATEGIES = ("margin", "entropy")


def uncertainty(proba: np.ndarray, strategy: str = "margin") -> np.ndarray:
    """How unsure the model is about each candidate, in [0, 1] (1 = most unsure).

    Parameters
    ----------
    proba : ndarray, shape (n_samples, n_labels)
        Rows sum to 1.
    strategy : {"margin", "entropy"}, default="margin"
        ``margin``: 1 minus the gap between the two largest probabilities; ``entropy``: the entropy of
        the row divided by its largest possible value.

    Returns
    -------
    ndarray of float, shape (n_samples,)

    Raises
    ------
    ValueError
        On an unknown strategy.
    """
    proba = np.asarray(proba, dtype=float)
    if proba.ndim != 2 or proba.shape[1] < 2:
        raise ValueError(f"proba must have shape (n_samples, n_labels >= 2), got {proba.shape}")
    if strategy == "margin":
        top2 = np.sort(proba, axis=1)[:, -2:]
        return 1.0 - (top2[:, 1] - top2[:, 0])
    if strategy == "entropy":
        p = np.clip(proba, 1e-12, 1.0)
        return -(p * np.log(p)).sum(axis=1) / np.log(proba.shape[1])
    raise ValueError(f"unknown strategy {strategy!r}, expected one of {', '.join(STRATEGIES)}")


def candidate_key(doc_id: str, sentence: int | None, source: str, target: str) -> tuple:
    """The key of a directed pair in a sentence, as the annotation file and the skip set use it."""
    return (str(doc_id), sentence, str(source), str(target))


def select(candidates: Sequence[dict], proba: np.ndarray, n: int, *, strategy: str = "margin",
           per_article: int | None = 2, dyad_penalty: float = 0.1,
           skip: Collection[tuple] = ()) -> list[int]:
    """Choose the ``n`` candidates whose labels should teach the model most.

    Parameters
    ----------
    candidates : sequence of dict, length n_samples
        Each with ``doc_id``, ``sentence_index``, ``source`` and ``target`` (examples of
        :mod:`training.examples`).
    proba : ndarray, shape (n_samples, n_labels)
        The model's probabilities for the candidates.
    n : int
        How many to choose (fewer when the candidates run out).
    strategy : {"margin", "entropy"}, default="margin"
    per_article : int or None, default=2
        At most this many from one article (``doc_id``); None for no cap.
    dyad_penalty : float, default=0.1
        Subtracted from a candidate's uncertainty for every earlier pick of the same directed dyad.
    skip : collection of tuple
        Keys from :func:`candidate_key` already labelled; a key with sentence None skips the pair in
        every sentence of that article.

    Returns
    -------
    list of int
        Indices into ``candidates``, in the order chosen (most informative first).
    """
    if len(candidates) != len(proba):
        raise ValueError(f"{len(candidates)} candidates but {len(proba)} rows of probabilities")
    if n <= 0 or not len(candidates):
        return []
    score = uncertainty(proba, strategy)
    skip = set(skip)

    def skipped(c: dict) -> bool:
        return (candidate_key(c["doc_id"], c["sentence_index"], c["source"], c["target"]) in skip
                or candidate_key(c["doc_id"], None, c["source"], c["target"]) in skip)

    # (negated score, index) with the score at the penalty it was last computed for; a stale entry is
    # re-scored and pushed back (penalties only ever lower a score, so the heap's top is an upper bound)
    heap = [(-float(score[i]), i, 0) for i, c in enumerate(candidates) if not skipped(c)]
    heapq.heapify(heap)
    per_doc: Counter = Counter()
    per_dyad: Counter = Counter()
    chosen: list[int] = []
    while heap and len(chosen) < n:
        neg, i, seen = heapq.heappop(heap)
        c = candidates[i]
        if per_article is not None and per_doc[c["doc_id"]] >= per_article:
            continue
        dyad = (c["source"], c["target"])
        if per_dyad[dyad] != seen:
            heapq.heappush(heap, (-(float(score[i]) - dyad_penalty * per_dyad[dyad]), i, per_dyad[dyad]))
            continue
        chosen.append(i)
        per_doc[c["doc_id"]] += 1
        per_dyad[dyad] += 1
    return chosen


@dataclass(frozen=True)
class Proposal:
    """A directed pair in one sentence, proposed for labelling, with the model's guess."""

    doc_id: str
    sentence: int
    source: str
    target: str
    source_name: str
    target_name: str
    title: str
    date: str
    text: str
    source_spans: tuple
    target_spans: tuple
    probabilities: dict

    @property
    def guess(self) -> str:
        return max(self.probabilities, key=self.probabilities.get)

    def export_row(self) -> dict:
        """The row of :data:`training.annotation.annofile.EXPORT_COLUMNS` (``label`` left empty)."""
        return {"doc_id": self.doc_id, "sentence": self.sentence, "source": self.source, "target": self.target,
                "source_name": self.source_name, "target_name": self.target_name, "title": self.title,
                "date": self.date, "text": self.text, "guess": self.guess,
                **{f"p_{k}": round(v, 4) for k, v in self.probabilities.items()}, "label": ""}


def propose(articles, model, dictionary, *, n: int, skip=(), strategy: str = "margin",
            per_article: int | None = 2, non_english: list | None = None) -> list[Proposal]:
    """The ``n`` most informative directed pairs of the articles, skipping keys already labelled.

    Parameters
    ----------
    articles : sequence of Article
    model : StanceModel
    dictionary : ActorDictionary
    n : int
    skip : collection of tuple
        Keys of :func:`training.annotation.select.candidate_key`.
    strategy : {"margin", "entropy"}, default="margin"
    per_article : int or None, default=2
    non_english : list, optional
        Filled with ``{"id", "language"}`` of the articles skipped as not English (the model reads
        English only).

    Returns
    -------
    list of Proposal
        Most informative first; every candidate is scored in one batch.
    """
    examples, meta = [], {}
    for article in articles:
        doc = prepare(article.text, dictionary, doc_id=article.id, date=article.date)
        guess = detect_language(doc.text)
        if not guess.english:
            if non_english is not None:
                non_english.append({"id": article.id, "language": guess.code})
            continue
        try:
            found = candidate_examples(doc)
        except LimitExceeded as exc:
            log.warning("article %r skipped: %s", article.id, exc)
            continue
        examples += found
        meta[article.id] = (article.title, article.date.isoformat() if article.date else "")
    if not examples:
        return []
    proba = model.predict_proba(examples)
    out = []
    for i in select(examples, proba, n, strategy=strategy, per_article=per_article, skip=skip):
        e = examples[i]
        title, date = meta[e["doc_id"]]
        names = [dictionary.actors[c].name if c in dictionary.actors else c for c in (e["source"], e["target"])]
        out.append(Proposal(e["doc_id"], e["sentence_index"], e["source"], e["target"], *names, title, date,
                            e["text"], tuple(map(tuple, e["source_spans"])), tuple(map(tuple, e["target_spans"])),
                            {label: float(p) for label, p in zip(LABELS, proba[i])}))
    return out
