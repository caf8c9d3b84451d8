"""Prediction: text and a pair of actors -> stance with evidence (the library behind the service).

Article-level rule: a pair's probabilities are the mean of its sentence probabilities over the sentences
in which both actors occur *and* that the model reads as carrying a stance (support or oppose most
likely); when no sentence does, the mean over all of them. Its stance is the label with the highest mean.
On held-out articles of the embedded corpus this beat the plain mean (pair-level macro-F1 0.797 against
0.778; 0.682 against 0.664 on pairs with several sentences), since co-mentions with no stance would
otherwise dilute the sentences that state one. The sentences are returned as evidence, strongest first: the
most probable for the pair's stance. A pair whose actors are not found, never share a
sentence, or share only sentences with no word the model knows gets ``stance=None`` and a ``reason``.

The model reads English only: a text that :func:`training.language.detect_language` finds in another
language gets ``stance=None`` with reason ``unsupported_language`` and the detected ``language`` for every
pair, before anything is scored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from training.actors import ActorDictionary
from training.articles import LABELS, parse_date
from training.document import Document, ResolvedActor, prepare, resolve_in, resolve_pair
from training.dyads import aggregate, by_dyad
from training.events import EventCode, SentenceMatches, code_events
from training.examples import candidate_examples, pair_examples
from training.explain import SentenceExplanation, explain_pair, explain_pairs
from training.language import LanguageGuess, detect_language
from training.limits import DEFAULT_LIMITS, Budget, Limits
from training.model import StanceModel
from training.text import clean_text, has_words

__all__ = ["Evidence", "PairStance", "StancePredictor", "aggregate", "NoWordsError"]

REASONS = ("unsupported_language", "source_not_found", "target_not_found", "same_actor", "no_shared_sentence",
           "no_known_words")


class NoWordsError(ValueError):
    """The text has no word the tool could read (empty, blank, digits or punctuation only)."""


@dataclass
class Evidence:
    """One sentence in which both actors occur, with its own stance.

    Attributes
    ----------
    sentence_index : int
    text : str
    start, end : int
        Offsets of the sentence in the cleaned text.
    stance : str
    probabilities : dict of str to float
        ``support``, ``oppose``, ``neutral``; sum to 1.
    explanation : SentenceExplanation or None
        Why the sentence leans as it does (:mod:`training.explain`), when asked for.
    event : EventCode or None
        The event the sentence reports between the pair: a CAMEO code of the dictionary or a predicted
        quad class (:mod:`training.events.code`); None for a ``neutral`` sentence the dictionary does not code.
    """

    sentence_index: int
    text: str
    start: int
    end: int
    stance: str
    probabilities: dict[str, float]
    explanation: SentenceExplanation | None = None  # set when asked for (explain=True)
    event: EventCode | None = None


@dataclass
class PairStance:
    """The stance of ``source`` toward ``target`` in one text.

    Attributes
    ----------
    source, target : ResolvedActor
    stance : str or None
        None when there is nothing to judge; then ``reason`` says why (one of ``REASONS``).
    probabilities : dict of str to float or None
    evidence : list of Evidence
    reason : str or None
    language : str or None
        The detected language (ISO 639-1) when ``reason`` is ``unsupported_language``; else None.
    """

    source: ResolvedActor
    target: ResolvedActor
    stance: str | None = None
    probabilities: dict[str, float] | None = None
    evidence: list[Evidence] = field(default_factory=list)
    reason: str | None = None
    language: str | None = None


def _probs(row: Iterable[float]) -> dict[str, float]:
    return {label: round(float(p), 6) for label, p in zip(LABELS, row)}


class StancePredictor:
    """Stance of actor pairs in text, with the model and dictionary loaded once.

    Parameters
    ----------
    model : StanceModel
    dictionary : ActorDictionary
    """

    def __init__(self, model: StanceModel, dictionary: ActorDictionary):
        self.model = model
        self.dictionary = dictionary

    def document(self, text: str, *, date: dt.date | str | None = None, doc_id: str = "") -> Document:
        """Prepare a text; ``date`` is a ``datetime.date`` or a ``YYYY-MM-DD`` string, as over HTTP.

        Raises
        ------
        NoWordsError
            If the text has no word of two or more letters.
        DataError
            If ``date`` is a string that is not a date (a ``ValueError``).
        """
        if date is not None and not isinstance(date, dt.date):
            date = parse_date(date, "date")
        doc = prepare(text, self.dictionary, doc_id=doc_id, date=date)
        if not has_words(doc.text):  # the cleaned text: markup such as "<div>12</div>" holds no words
            raise NoWordsError("text has no words to read (it is empty, blank, or only digits and punctuation)")
        return doc

    def _score(self, examples: Sequence[dict]):
        """Probabilities, known-word counts and the probability of deeds (None from a model without it)."""
        if hasattr(self.model, "score_events"):
            return self.model.score_events(examples)
        return (*self.model.score(examples), None)  # any model with ``score`` (bench/coder.py's coder)

    def language(self, text: str) -> LanguageGuess:
        """The language ``text`` is read as (:func:`training.language.detect_language` on the cleaned text);
        ``.english`` False means every pair of it gets reason ``unsupported_language``."""
        return detect_language(clean_text(text))

    def _resolved(self, doc: Document, code: str) -> ResolvedActor:
        actor = self.dictionary.actors[code]
        return ResolvedActor(code, code, actor.name, actor.kind, list(doc.mentions_of(code)))

    def _judge(self, doc: Document, source: ResolvedActor, target: ResolvedActor,
               examples: Sequence[dict], probs: np.ndarray, known: np.ndarray,
               events: Sequence[EventCode | None]) -> PairStance:
        result = PairStance(source, target)
        if not source.mentions:
            result.reason = "source_not_found"
        elif not target.mentions:
            result.reason = "target_not_found"
        elif source.code == target.code:
            result.reason = "same_actor"
        elif not examples:
            result.reason = "no_shared_sentence"
        elif not known.any():
            result.reason = "no_known_words"
        if result.reason:
            return result
        keep = known > 0
        mean = aggregate(probs[keep])
        result.stance = LABELS[int(np.argmax(mean))]
        result.probabilities = _probs(mean)
        for e, p, ev in zip([e for e, k in zip(examples, keep) if k], probs[keep],
                            [ev for ev, k in zip(events, keep) if k]):
            s = doc.sentences[e["sentence_index"]]
            result.evidence.append(Evidence(e["sentence_index"], s.text, s.start, s.end,
                                            LABELS[int(np.argmax(p))], _probs(p), event=ev))
        result.evidence.sort(key=lambda ev: -ev.probabilities[result.stance])
        return result

    def stance(self, text: str, source: str, target: str, *, date: dt.date | str | None = None,
               source_span: str | None = None, target_span: str | None = None, limits: Limits = DEFAULT_LIMITS,
               budget: Budget | None = None, explain: bool = False) -> PairStance:
        """The stance of ``source`` toward ``target`` in ``text``.

        Parameters
        ----------
        text : str
            Article or sentence; HTML is cleaned.
        source, target : str
            Codes, names, demonyms, metonyms or leaders; names not in the dictionary are matched
            literally. Padding and case do not matter.
        date : datetime.date or str, optional
            The text's date (or ``"YYYY-MM-DD"``), for leaders' terms (today when omitted).
        source_span, target_span : str, optional
            The mentions as written, when known (labelled-pair files).
        limits : Limits, default=DEFAULT_LIMITS
        budget : Budget, optional
            Checked between sentences and before scoring.
        explain : bool, default=False
            Attach to each evidence sentence the features that drove it (:mod:`training.explain`).

        Returns
        -------
        PairStance

        Raises
        ------
        NoWordsError
            If the text has no words.
        LimitExceeded, BudgetExceeded
            See :mod:`training.limits`.
        """
        doc = self.document(text, date=date)
        src, tgt = resolve_pair(doc, self.dictionary, source, target, source_span, target_span)
        guess = detect_language(doc.text)
        if not guess.english:
            return PairStance(src, tgt, reason="unsupported_language", language=guess.code)
        examples = pair_examples(doc, src, tgt, limits=limits, budget=budget)
        if budget is not None:
            budget.check()
        probs, known, material = self._score(examples)
        events = code_events(examples, probs, material)
        result = self._judge(doc, src, tgt, examples, probs, known, events)
        if explain:
            explain_pair(self.model, examples, result)
        return result

    def dyads(self, text: str, *, date: dt.date | str | None = None, actors: Sequence[str] | None = None,
              limits: Limits = DEFAULT_LIMITS, budget: Budget | None = None,
              explain: bool = False) -> list[PairStance]:
        """Every directed pair of dictionary actors that share a sentence, with its stance.

        Parameters
        ----------
        text : str
        date : datetime.date or str, optional
        actors : sequence of str, optional
            Keep only pairs among these actors (codes or names, resolved with the dictionary).
        limits : Limits, default=DEFAULT_LIMITS
        budget : Budget, optional
        explain : bool, default=False
            Attach explanations to the evidence, as in :meth:`stance`.

        Returns
        -------
        list of PairStance
            In order of first co-occurrence; all examples are scored in one batch. For a text not in
            English, the same pairs, each with ``stance=None``, reason ``unsupported_language`` and the
            detected ``language``, and nothing scored (:meth:`language` tells it for a text with no pair).

        Raises
        ------
        NoWordsError
            If the text has no words.
        LimitExceeded, BudgetExceeded
            See :mod:`training.limits`.
        """
        doc = self.document(text, date=date)
        wanted = None
        if actors is not None:
            wanted = {resolve_in(doc, self.dictionary, a).code for a in actors}
        examples = candidate_examples(doc, actors=wanted, limits=limits, budget=budget)
        if budget is not None:
            budget.check()
        guess = detect_language(doc.text)
        groups = by_dyad(examples)
        if not guess.english:
            return [PairStance(self._resolved(doc, a), self._resolved(doc, b), reason="unsupported_language",
                               language=guess.code) for a, b in groups]
        probs, known, material = self._score(examples)
        events = code_events(examples, probs, material, matches=SentenceMatches())
        out = []
        for (a, b), idx in groups.items():
            src, tgt = self._resolved(doc, a), self._resolved(doc, b)
            out.append(self._judge(doc, src, tgt, [examples[k] for k in idx], probs[idx], known[idx],
                                   [events[k] for k in idx]))
        if explain:
            explain_pairs(self.model, [([examples[k] for k in idx], r) for idx, r in zip(groups.values(), out)])
        return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m training.predict --articles PATH --out dyads.parquet``: code an archive (see
    :mod:`training.archive`). Returns an exit code."""
    from training.archive.job import main as archive_main

    return archive_main(argv)


if __name__ == "__main__":
    import sys

    sys.exit(main())
