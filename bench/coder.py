"""A dictionary event coder baseline in the spirit of TABARI/PETRARCH.

For a directed pair in a sentence (source, target and other actors masked as ``xsrcx``, ``xtgtx``,
``xothx`` by :class:`training.features.DyadMasker`) the coder reads the words between the nearest
source and target mentions and codes the lexicon pattern (:mod:`bench.lexicon`) nearest the target:

* source before target, active verb ("xsrcx condemned xtgtx"): the pattern's CAMEO root;
* a passive verb with an agent ("was criticised by xsrcx") codes the agent toward the patient, so
  "xtgtx was criticised by xsrcx" is source->target oppose, while "xsrcx was criticised by xtgtx"
  is the target's stance and source->target neutral;
* target before source with an active verb ("xtgtx praised xsrcx") is the target's act: neutral;
* coordinated actors ("xsrcx and xtgtx signed a pact") take a reciprocal pattern found in a small
  window after the later of the two, in both directions;
* another actor between the source and the pattern ("xsrcx said xothx invaded xtgtx") is that actor's
  act: neutral;
* a negation ("not", "never", "n't", "refused to", "declined to") before the pattern gives neutral;
* roots 01-02 (statements, appeals) give neutral; 03-08 support; 09-20 oppose.

Probabilities are fixed confidences: 0.8 for the coded label (0.1 for the others), and
(0.2, 0.2, 0.6) when nothing is coded. :class:`DictionaryCoder` has the two methods
:class:`training.predict.StancePredictor` calls on a model (``score``, or ``predict_proba`` and
``known_word_counts``), so it runs through the same evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from bench.lexicon import LEXICON, RECIPROCAL, inflections, root_label
from training.actors import ActorDictionary, default_dictionary
from training.articles import LABELS
from training.features import OTHER, SOURCE, TARGET, DyadMasker
from training.predict import StancePredictor

__all__ = ["MATCHED", "UNMATCHED", "Coding", "DictionaryCoder", "coder_predictor"]

MATCHED = 0.8
UNMATCHED = {"support": 0.2, "oppose": 0.2, "neutral": 0.6}
_FILLERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "new", "fresh", "more", "further",
                      "formal", "official", "military", "economic", "diplomatic", "full", "closer", "'s"})
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "got", "gets"})
_NEGATORS = frozenset({"not", "never", "no", "without", "neither", "nor"})
_REFUSALS = frozenset({"refuse", "refused", "refuses", "refusing", "decline", "declined", "declines",
                       "declining", "fail", "failed", "fails", "failing"})
_COORD = frozenset({"and", ",", "&", "both", "as", "well"})
_STOP = frozenset({'"', ";", ":", "?", "!"})
_NEG_WINDOW = 3
_AFTER_WINDOW = 8
_PLACEHOLDERS = frozenset({SOURCE, TARGET, OTHER})


class Coding(NamedTuple):
    """The coder's answer for one directed pair: ``label`` (support/oppose/neutral), ``root`` (the
    two-digit CAMEO root coded, or None) and ``probabilities`` (fixed confidences by label, sum 1)."""

    label: str
    root: str | None
    probabilities: dict[str, float]


class _Match(NamedTuple):
    start: int
    end: int  # exclusive
    pattern: str
    root: str


def _coded(label: str, root: str | None) -> Coding:
    rest = (1.0 - MATCHED) / (len(LABELS) - 1)
    return Coding(label, root, {lab: (MATCHED if lab == label else rest) for lab in LABELS})


_NONE = Coding("neutral", None, dict(UNMATCHED))


class DictionaryCoder:
    """Code the stance of a source toward a target with a verb and phrase lexicon.

    Parameters
    ----------
    lexicon : mapping of str to sequence of str, optional
        CAMEO root ("01" ... "20") -> patterns; default :data:`bench.lexicon.LEXICON`.
    reciprocal : set of str, optional
        Patterns that hold in both directions for coordinated actors; default
        :data:`bench.lexicon.RECIPROCAL`.
    """

    def __init__(self, lexicon: Mapping[str, Sequence[str]] | None = None,
                 reciprocal: set[str] | frozenset[str] | None = None):
        self.lexicon = dict(LEXICON if lexicon is None else lexicon)
        self.reciprocal = frozenset(RECIPROCAL if reciprocal is None else reciprocal)
        self._masker = DyadMasker(negation_scope=0)
        self._index: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for root, patterns in self.lexicon.items():
            for pattern in patterns:
                words = tuple(pattern.lower().replace("-", " ").split())
                for form in inflections(words[0]):
                    self._index.setdefault(form, []).append((words[1:], pattern, root))
        for entries in self._index.values():
            entries.sort(key=lambda e: -len(e[0]))  # longest pattern first

    def predict_proba(self, examples: Sequence[Mapping]) -> np.ndarray:
        """Fixed-confidence probabilities of each example.

        Parameters
        ----------
        examples : sequence of mapping
            Examples from :mod:`training.examples` (``text``, ``source_spans``, ``target_spans``,
            ``other_spans``).

        Returns
        -------
        ndarray of float, shape (n_samples, 3)
            Columns in :data:`training.articles.LABELS` order (support, oppose, neutral).
        """
        out = np.zeros((len(examples), len(LABELS)))
        for i, coding in enumerate(self.code_many(examples)):
            out[i] = [coding.probabilities[label] for label in LABELS]
        return out

    def known_word_counts(self, examples: Sequence[Mapping]) -> np.ndarray:
        """One per example: the coder has no vocabulary, so no example is dropped for lack of words."""
        return np.ones(len(examples), dtype=int)

    def score(self, examples: Sequence[Mapping]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`predict_proba` and :meth:`known_word_counts` together (``StanceModel.score``)."""
        return self.predict_proba(examples), self.known_word_counts(examples)

    def code_many(self, examples: Sequence[Mapping]) -> list[Coding]:
        """:meth:`code` of each example, masking them in one batch."""
        if not examples:
            return []
        views = self._masker.transform(list(examples))
        return [self._code_tokens(v.split()) for v in views[:, 0]]

    def code(self, example: Mapping) -> Coding:
        """The :class:`Coding` of one example (``text`` with ``source_spans``, ``target_spans`` and
        optionally ``other_spans``, ``[start, end]`` character offsets into ``text``)."""
        return self.code_many([example])[0]

    def _matches(self, tokens: Sequence[str], lo: int, hi: int) -> list[_Match]:
        """Lexicon patterns starting in ``tokens[lo:hi]`` and ending by ``hi``, longest per start."""
        found = []
        for i in range(lo, hi):
            for rest, pattern, root in self._index.get(tokens[i], ()):
                j = i + 1
                ok = True
                for word in rest:
                    skipped = 0
                    while j < hi and tokens[j] != word and tokens[j] in _FILLERS and skipped < 2:
                        j += 1
                        skipped += 1
                    if j < hi and tokens[j] == word:
                        j += 1
                    else:
                        ok = False
                        break
                if ok:
                    found.append(_Match(i, j, pattern, root))
                    break
        return found

    @staticmethod
    def _negated(tokens: Sequence[str], start: int, lo: int) -> bool:
        for k in range(start - 1, max(lo, start - _NEG_WINDOW) - 1, -1):
            tok = tokens[k]
            if tok in _STOP or tok == "," or tok in _PLACEHOLDERS:
                return False
            if tok in _NEGATORS or tok in _REFUSALS:
                return True
        return False

    @staticmethod
    def _agent(tokens: Sequence[str], m: _Match, hi: int) -> str | None:
        """The placeholder after "by" when ``m`` is a passive participle ("was criticised by X")."""
        word = tokens[m.start]
        if not (word.endswith(("ed", "en")) or word in {"met", "held", "hit", "cut", "shot", "struck"}):
            return None
        j = m.end
        while j < hi and tokens[j].endswith("ly"):
            j += 1
        if j + 1 < len(tokens) and tokens[j] == "by" and tokens[j + 1] in _PLACEHOLDERS:
            return tokens[j + 1]
        return None

    @staticmethod
    def _is_passive(tokens: Sequence[str], m: _Match, lo: int) -> bool:
        for k in range(m.start - 1, max(lo, m.start - 3) - 1, -1):
            if tokens[k] in _BE:
                return tokens[m.start].endswith(("ed", "en"))
            if not tokens[k].endswith("ly") and tokens[k] not in {"not", "also", "been", "being"}:
                return False
        return False

    @staticmethod
    def _other_subject(tokens: Sequence[str], lo: int, start: int) -> bool:
        """Whether another actor, not coordinated with the source, stands before the pattern."""
        return any(tokens[k] == OTHER and tokens[k - 1] not in _COORD for k in range(lo, start))

    def _result(self, tokens: Sequence[str], m: _Match, lo: int) -> Coding:
        if self._negated(tokens, m.start, lo):
            return _NONE
        return _coded(root_label(m.root), m.root)

    def _code_tokens(self, tokens: list[str]) -> Coding:
        src = [i for i, t in enumerate(tokens) if t == SOURCE]
        tgt = [i for i, t in enumerate(tokens) if t == TARGET]
        if not src or not tgt:
            return _NONE
        s, t = min(((a, b) for a in src for b in tgt), key=lambda p: (abs(p[0] - p[1]), p[0]))
        lo, hi = sorted((s, t))
        middle = tokens[lo + 1:hi]
        if all(tok in _COORD for tok in middle):  # "xsrcx and xtgtx signed a pact"
            end = min(len(tokens), hi + 1 + _AFTER_WINDOW)
            for m in self._matches(tokens, hi + 1, end):
                if any(tok in _PLACEHOLDERS or tok in _STOP for tok in tokens[hi + 1:m.start]):
                    break
                if m.pattern in self.reciprocal:
                    return self._result(tokens, m, hi + 1)
            return _NONE
        matches = self._matches(tokens, lo + 1, hi)
        if not matches:
            return _NONE
        if s < t:
            m = max(matches, key=lambda x: (x.end, x.end - x.start))  # nearest the target
            agent = self._agent(tokens, m, hi)
            if agent == TARGET or self._is_passive(tokens, m, lo + 1):
                return _NONE  # "xsrcx was criticised by xtgtx": the target's act
            if self._other_subject(tokens, lo + 1, m.start):
                return _NONE  # "xsrcx said xothx invaded xtgtx": the other actor's act
            return self._result(tokens, m, lo + 1)
        # target first: only a passive whose agent is the source codes source -> target
        for m in sorted(matches, key=lambda x: -x.end):
            if self._agent(tokens, m, hi) == SOURCE:
                return self._result(tokens, m, lo + 1)
        return _NONE


def coder_predictor(dictionary: ActorDictionary | None = None,
                    coder: DictionaryCoder | None = None) -> StancePredictor:
    """A :class:`training.predict.StancePredictor` that codes with the dictionary coder.

    Parameters
    ----------
    dictionary : ActorDictionary, optional
        Actor dictionary; default :func:`training.actors.default_dictionary`.
    coder : DictionaryCoder, optional

    Returns
    -------
    StancePredictor
        Usable with :func:`training.fitting.evaluate.evaluate_rows` like a trained model.
    """
    return StancePredictor(coder or DictionaryCoder(), dictionary or default_dictionary())
