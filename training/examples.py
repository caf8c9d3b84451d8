"""Example building: one candidate example per ordered pair of distinct actors sharing a sentence.

The same functions serve training, evaluation and the HTTP service, so the model always sees examples
built the same way. An example is a plain dict:

``doc_id``, ``sentence_index``, ``sentence_start`` (offset of the sentence in the cleaned text),
``text`` (the sentence), ``source``, ``target`` (actor codes or literal names), ``source_spans``,
``target_spans``, ``other_spans`` (lists of ``[start, end]`` offsets into ``text``) and, for training,
``label``.

The text is prepared and the requested actors resolved by :mod:`training.document`, whose names
(:class:`Document`, :func:`prepare`, :func:`resolve_in`, ...) this module re-exports.
"""

from __future__ import annotations

from itertools import permutations

from training.actors import Mention, without_overlaps
from training.document import (
    Document,
    ResolvedActor,
    _in_sentences,
    prepare,
    resolve_in,
    resolve_pair,
    with_literal_actors,
)
from training.limits import DEFAULT_LIMITS, Budget, LimitExceeded, Limits

__all__ = ["Document", "ResolvedActor", "prepare", "candidate_examples", "resolve_in", "resolve_pair",
           "pair_examples", "with_literal_actors"]


def _example(doc: Document, i: int, source: str, target: str, src: list[Mention], tgt: list[Mention],
             others: list[Mention]) -> dict:
    s = doc.sentences[i]

    def rel(ms: list[Mention]) -> list[list[int]]:
        return [[m.start - s.start, m.end - s.start] for m in ms]

    return {
        "doc_id": doc.doc_id, "sentence_index": i, "sentence_start": s.start, "text": s.text,
        "source": source, "target": target,
        "source_spans": rel(src), "target_spans": rel(tgt), "other_spans": rel(others),
    }


def _check_mentions(ms: list[Mention], i: int, limits: Limits) -> None:
    if len(ms) > limits.max_mentions_per_sentence:
        raise LimitExceeded("max_mentions_per_sentence", limits.max_mentions_per_sentence, len(ms),
                            f"sentence {i} has too many actor mentions")


def candidate_examples(doc: Document, *, actors: set[str] | None = None, limits: Limits = DEFAULT_LIMITS,
                       budget: Budget | None = None) -> list[dict]:
    """Every ordered pair of distinct dictionary actors that share a sentence.

    Parameters
    ----------
    doc : Document
    actors : set of str, optional
        Keep only pairs whose source and target codes are both in this set.
    limits : Limits, default=DEFAULT_LIMITS
        Caps on mentions and pairs per sentence and on examples per text.
    budget : Budget, optional
        Checked once per sentence.

    Returns
    -------
    list of dict
        One example per (sentence, source, target), in sentence order.

    Raises
    ------
    LimitExceeded
        If a sentence or the text exceeds a cap of ``limits``.
    BudgetExceeded
        If ``budget`` is spent or cancelled.
    """
    out = []
    for i in range(len(doc.sentences)):
        if budget is not None:
            budget.check()
        ms = doc.sentence_mentions(i)
        _check_mentions(ms, i, limits)
        by_code: dict[str, list[Mention]] = {}
        for m in ms:
            by_code.setdefault(m.code, []).append(m)
        codes = list(by_code)
        if actors is not None:
            codes = [c for c in codes if c in actors]
        n_pairs = len(codes) * (len(codes) - 1)
        if n_pairs > limits.max_pairs_per_sentence:
            raise LimitExceeded("max_pairs_per_sentence", limits.max_pairs_per_sentence, n_pairs,
                                f"sentence {i} has too many pairs of actors")
        if len(out) + n_pairs > limits.max_dyads:
            raise LimitExceeded("max_dyads", limits.max_dyads, len(out) + n_pairs, "the text has too many dyads")
        for a, b in permutations(codes, 2):
            others = [m for m in ms if m.code != a and m.code != b]
            out.append(_example(doc, i, a, b, by_code[a], by_code[b], others))
    return out


def pair_examples(doc: Document, source: ResolvedActor, target: ResolvedActor, *,
                  limits: Limits = DEFAULT_LIMITS, budget: Budget | None = None) -> list[dict]:
    """Examples of one directed pair: the sentences in which both actors occur.

    Parameters
    ----------
    doc : Document
    source, target : ResolvedActor
        From :func:`resolve_in` on the same document.
    limits : Limits, default=DEFAULT_LIMITS
        The cap on mentions per sentence applies.
    budget : Budget, optional
        Checked once per sentence.

    Returns
    -------
    list of dict
        Empty when either actor is missing, they never share a sentence as actors acting (mentions of
        another role do not count), or both are the same actor.
    """
    if source.code == target.code or not source.mentions or not target.mentions:
        return []
    by_sentence: dict[int, tuple[list[Mention], list[Mention]]] = {}
    for side, mentions in enumerate((source.mentions, target.mentions)):
        acting = sorted((m for m in mentions if m.role == "actor"), key=lambda m: m.start)
        for i, m in _in_sentences(doc.sentences, acting):
            by_sentence.setdefault(i, ([], []))[side].append(m)
    out = []
    for i in range(len(doc.sentences)):
        if budget is not None:
            budget.check()
        ms = doc.sentence_mentions(i)
        _check_mentions(ms, i, limits)
        src, tgt = by_sentence.get(i, ((), ()))
        if not src or not tgt:
            continue
        if len(src) + len(tgt) > limits.max_mentions_per_sentence:  # literal names are not in ``ms``
            raise LimitExceeded("max_mentions_per_sentence", limits.max_mentions_per_sentence,
                                len(src) + len(tgt), f"sentence {i} has too many actor mentions")
        tgt = without_overlaps(tgt, src)
        if not tgt:
            continue
        others = without_overlaps(without_overlaps(ms, src), sorted(tgt, key=lambda m: m.start))
        out.append(_example(doc, i, source.code, target.code, src, tgt, others))
    return out
