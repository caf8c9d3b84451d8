"""Features of a directed dyad in a sentence: actor masking, negation scope and context views.

:class:`DyadMasker` turns each example (a sentence with the character spans of the source actor, the
target actor and any other actor) into three token strings that TF-IDF vectorizers read:

``sentence``
    The whole sentence with source mentions replaced by ``xsrcx``, target mentions by ``xtgtx`` and
    other actors by ``xothx``, so "A condemned B" and "B condemned A" give different n-grams. "n't" is
    read as "not", and the three words after a negation are marked ``neg_`` ("did not neg_condemn").
``between``
    The words between the nearest source and target mentions, led by the order of the two (``_st`` or
    ``_ts``).
``relation``
    Flags for either actor inside a quotation and for passive voice, then the between words with the
    *logical* direction of the pair: ``fw:`` when the source is the agent
    and ``bw:`` when the target is. The agent is the first of the two actors, except in passive voice
    ("Russia was criticised by China": the actor after "by"; likewise "Kenya received aid from Japan")
    and after a quotation ("“Athens is playing
    with fire,” Ankara said": the speaker). So "China criticised Russia" and "Russia was criticised by
    China" give China -> Russia the same ``fw:criticised``, and Russia -> China ``bw:criticised``.
    When a third actor stands between them, the words after it are repeated as ``seg:`` (the clause
    nearest the second actor), and ``_reported`` flags a reporting verb before that third actor
    ("Turkey said Greece had accused Cyprus": Greece, not Turkey, holds the stance toward Cyprus).
``relation`` also carries the field's verb knowledge: each verb phrase of the CAMEO verb dictionary
    (PETRARCH2, :mod:`training.field`) between the two actors adds its CAMEO root and class with the
    logical direction (``camfw:r19 camfw:q4``; ``not_`` under negation): the quad class, or ``q0`` for
    roots 01-02 (statements and appeals, neutral by the label rules). So a verb the corpus never saw still
    carries its class. One before a third actor that stands between them is tagged ``camoth:`` (it most
    likely acts on that third actor), one after it ``camseg:`` or ``camrep:``.
``near``
    Words within three tokens of the nearest source and target mentions, tagged by side (``tl:rejected``
    is the word before the target), which separates two targets of one sentence with opposite stances.
    When a third actor stands between the source and the target, the words on the sides facing each
    other are tagged ``o`` (``osr:``, ``otl:``), or ``r`` when a reporting verb leads to that third actor:
    they describe what happened with the third actor, not between the pair.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from training.field.tags import cameo_events
from training.tokens import (
    _PLACEHOLDERS,
    OTHER,
    SOURCE,
    TARGET,
    _add_polarity,
    _closest_pair,
    _closest_pair_at,
    _in_quotes,
    _is_passive,
    _mark_negation,
    _stem_view,
    _tokens,
)

__all__ = ["DyadMasker", "VIEWS", "SOURCE", "TARGET", "OTHER", "FEATURES_VERSION"]

# Bump when the views change: a model saved with other views is refused on load, not mis-read.
FEATURES_VERSION = 5
VIEWS = ("sentence", "between", "relation", "near")
_NEG_SCOPE = 3
_WINDOW = 3
_MAX_BETWEEN = 24
# A sentence of more tokens is read around its pair only (no sentence of the embedded or the third-party
# data has more than about 80), so that one of 100,000 characters costs no more than a short one per pair.
_MAX_TOKENS = 200
_CONTEXT = 50
_REPORTING = frozenset("said says say told tells stated claimed added alleged according reported announced "
                       "warned insisted argued noted wrote believes believed thinks thought".split())


def _spans(value) -> list[tuple[int, int]]:
    return [(int(s), int(e)) for s, e in (value or [])]


class DyadMasker(TransformerMixin, BaseEstimator):
    """Mask the actors of a directed dyad and derive the token views the model reads.

    Stateless: ``fit`` learns nothing, so the transformer can be applied once before a grid search.

    Parameters
    ----------
    negation_scope : int, default=3
        How many words after a negation are marked ``neg_``; 0 turns the marking off.
    window : int, default=3
        Words on each side of an actor kept in the ``near`` view.
    polarity : bool, default=True
        Add ``prefix:pos`` / ``prefix:neg`` tokens to the ``relation`` and ``near`` views for words of
        the VADER lexicon (so "lambasted" reads like "condemned" even when training never saw it).
    stem : bool, default=True
        Write the words of the ``between``, ``relation`` and ``near`` views as Snowball stems (NLTK),
        British "-ise" read as "-ize", so "supplied", "supplies", "criticised" and "criticized" share
        features. The ``sentence`` view keeps the surface words.
    cameo : bool, default=True
        Add the CAMEO root and class of the verb phrases between the pair to the ``relation`` view (see
        the module docstring).
    """

    def __init__(self, *, negation_scope: int = _NEG_SCOPE, window: int = _WINDOW, polarity: bool = True,
                 stem: bool = True, cameo: bool = True):
        self.negation_scope = negation_scope
        self.window = window
        self.polarity = polarity
        self.stem = stem
        self.cameo = cameo

    def fit(self, X, y=None):  # noqa: D102 - stateless
        return self

    def transform(self, X: Iterable[Mapping]) -> np.ndarray:
        """Build the four views for each example.

        Parameters
        ----------
        X : iterable of mapping
            Each with ``text`` (str, the sentence) and ``source_spans``, ``target_spans``,
            ``other_spans`` (lists of ``[start, end]`` character offsets into ``text``).

        Returns
        -------
        ndarray of str, shape (n_samples, 4)
            Columns in the order of :data:`VIEWS`.
        """
        rows = [self._views(x) for x in X]
        return np.array(rows, dtype=object).reshape(len(rows), len(VIEWS))

    def get_feature_names_out(self, input_features=None):  # noqa: D102
        return np.array(VIEWS, dtype=object)

    # ---------------------------------------------------------------------------------------------
    def _views(self, x: Mapping) -> tuple[str, str, str, str]:
        text = x["text"]
        marks = [(s, e, SOURCE) for s, e in _spans(x.get("source_spans"))]
        marks += [(s, e, TARGET) for s, e in _spans(x.get("target_spans"))]
        marks += [(s, e, OTHER) for s, e in _spans(x.get("other_spans"))]
        marks.sort()
        kept, labels, pos = [], [], 0
        for s, e, ph in marks:
            if s < pos:  # overlapping span: the earlier one wins
                continue
            kept.append((s, e))
            labels.append(ph)
            pos = e
        # the pairs of one sentence share its tokens: only the placeholders' labels differ
        base, slots, quotes = _layout(text, tuple(kept), self.negation_scope)
        if len(base) <= _MAX_TOKENS:
            tokens = list(base)
            for i, ph in zip(slots, labels):
                tokens[i] = ph
        else:
            tokens, quotes = _cut(base, quotes, slots, labels)
        between, relation, where = self._between(tokens, quotes)
        near = self._near(tokens)
        if self.polarity:
            relation, near = _add_polarity(relation), _add_polarity(near)
        if self.stem:
            between, relation, near = _stem_view(between), _stem_view(relation), _stem_view(near)
        if self.cameo and where is not None:
            relation = " ".join([relation, *_cameo_tags(*where)])
        return " ".join(tokens), between, relation, near

    def _between(self, tokens: list[str], quotes: Sequence[bool]) -> tuple[str, str]:
        pair = _closest_pair(tokens)
        if pair is None:
            return "_missing", "_missing", None
        i, j = pair
        lo, hi = sorted(pair)
        middle = tokens[lo + 1:hi]
        if len(middle) > _MAX_BETWEEN:
            half = _MAX_BETWEEN // 2
            middle = middle[:half] + ["_gap"] + middle[-half:]
        order = "_st" if i < j else "_ts"
        flags = [order] + ["_src_quoted"] * quotes[i] + ["_tgt_quoted"] * quotes[j]
        passive = _is_passive(middle, tokens[max(0, lo - 3):lo])
        after_quote = quotes[lo] and not quotes[hi] and any(t in _REPORTING for t in tokens[hi + 1:hi + 4])
        direction = "fw" if (i < j) != (passive or after_quote) else "bw"
        flags += ["_passive"] * passive + ["_" + direction]
        k = len(middle) - 1 - middle[::-1].index(OTHER) if OTHER in middle else len(middle)
        flags += [f"{direction}:{t}" for t in middle[:k] if t not in _PLACEHOLDERS and t != "_gap"]
        if k < len(middle):
            reported = any(t in _REPORTING for t in middle[:k])
            flags.append("_reported" if reported else "_oth_between")
            flags += [f"{'rep' if reported else 'seg'}:{t}" for t in middle[k + 1:]]
            return " ".join([order] + middle), " ".join(flags), (middle, k, direction, reported)
        return " ".join([order] + middle), " ".join(flags), (middle, k, direction, None)

    def _near(self, tokens: list[str]) -> str:
        pair = _closest_pair(tokens)
        if pair is None:
            return "_none"
        i, j = pair
        lo, hi = sorted(pair)
        between = tokens[lo + 1:hi]
        inner = ""  # the sides facing each other belong to a third actor when one stands between them
        if OTHER in between:
            k = len(between) - 1 - between[::-1].index(OTHER)
            inner = "r" if any(t in _REPORTING for t in between[:k]) else "o"
        w, out = self.window, []
        for pos, tag in ((i, "s"), (j, "t")):
            left_inner, right_inner = pos == hi, pos == lo
            out += [f"{inner if left_inner else ''}{tag}l:{t}" for t in tokens[max(0, pos - w):pos]]
            out += [f"{inner if right_inner else ''}{tag}r:{t}" for t in tokens[pos + 1:pos + 1 + w]]
        return " ".join(out)


def _cameo_tags(middle: Sequence[str], k: int, direction: str, reported: bool | None) -> list[str]:
    """``cam<where>:r<root>`` and ``cam<where>:q<class>`` (``not_`` before them under negation) for the CAMEO
    verb phrases between the pair (``middle``, a third actor at ``k`` if ``k < len(middle)``). The class is
    the quad class, except for roots 01-02 (statements and appeals), which the label rules call neutral:
    ``q0``."""
    out = []
    for pos, r, quad, negated in cameo_events(tuple(middle)):
        if pos < k:
            where = "oth" if k < len(middle) else direction
        else:
            where = "rep" if reported else "seg"
        neg = "not_" if negated else ""
        out += [f"cam{where}:{neg}r{r}", f"cam{where}:{neg}q{0 if r in ('01', '02') else quad}"]
    return out


@functools.lru_cache(maxsize=8)
def _layout(text: str, kept: tuple[tuple[int, int], ...], scope: int):
    """The negation-marked tokens of a sentence with a placeholder at each kept span.

    Returns
    -------
    tokens : tuple of str
        With ``xothx`` at every placeholder (all placeholders read alike for negation).
    slots : tuple of int
        The placeholders' positions, in the order of ``kept``.
    quotes : tuple of bool
        Whether each token is inside a quotation.
    """
    tokens: list[str] = []
    slots: list[int] = []
    pos = 0
    for s, e in kept:
        tokens += _tokens(text[pos:s])
        slots.append(len(tokens))
        tokens.append(OTHER)
        pos = e
    tokens += _tokens(text[pos:])
    tokens = _mark_negation(tokens, scope)
    return tuple(tokens), tuple(slots), tuple(_in_quotes(tokens))


def _cut(base: Sequence[str], quotes: Sequence[bool], slots: Sequence[int], labels: Sequence[str]):
    """The tokens (and quotation flags) of a sentence longer than ``_MAX_TOKENS``, cut around its pair.

    Kept: ``_CONTEXT`` tokens before the first and after the second of the nearest source and target, and
    the words between them, of which at most ``_CONTEXT`` after the first and before the second, the rest
    replaced by ``_gap``. Without a source or a target, the first ``_MAX_TOKENS`` tokens.
    """
    label = dict(zip(slots, labels))
    pair = _closest_pair_at([i for i in slots if label[i] == SOURCE], [i for i in slots if label[i] == TARGET])
    if pair is None:
        keep = list(range(_MAX_TOKENS))
    else:
        lo, hi = sorted(pair)
        if hi - lo - 1 > 2 * _CONTEXT:
            keep = [*range(max(0, lo - _CONTEXT), lo + _CONTEXT + 1), -1, *range(hi - _CONTEXT, hi + 1)]
        else:
            keep = list(range(max(0, lo - _CONTEXT), hi + 1))
        keep += range(hi + 1, min(len(base), hi + 1 + _CONTEXT))
    tokens = [label.get(i, base[i]) if i >= 0 else "_gap" for i in keep]
    return tokens, [quotes[i] if i >= 0 else False for i in keep]
