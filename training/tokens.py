"""The token-level pieces of the features (:mod:`training.features`): tokenising, negation scope,
quotations, the nearest source-target pair, passive voice, the VADER polarity lexicon and stemming.

``SOURCE``, ``TARGET`` and ``OTHER`` are the placeholders that stand for the actors in a masked sentence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from importlib import resources

from nltk.stem.snowball import SnowballStemmer

from training.text import plain_form

__all__ = ["SOURCE", "TARGET", "OTHER"]

SOURCE, TARGET, OTHER = "xsrcx", "xtgtx", "xothx"
_STEMMER = SnowballStemmer("english")
_PLACEHOLDERS = frozenset({SOURCE, TARGET, OTHER})
_TOKEN = re.compile(r"(?:[a-z]\.){2,}|[a-z]+|\d+(?:[.,]\d+)*|'s\b|[\"?!;:,]")
_NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "without", "cannot", "nothing", "none"})
_SCOPE_STOP = frozenset({'"', ",", ";", ":", "?", "!", "but", "while", "whereas", "although", "though"})
_IRREGULAR = frozenset("hit struck shot beaten taken given held seen told brought sought won lost built sent "
                       "made paid caught thrown shown done driven forgiven forbidden overtaken undertaken "
                       "withdrawn sold bought led fought bound stung spoken written".split())
_RECEIVE = frozenset("received receives receive receiving got gets obtained obtains accepted accepts bought "
                     "buys purchased purchases won secured secures".split())


def _tokens(text: str) -> list[str]:
    text = plain_form(text).lower().replace("n't", " not").replace("cannot", "can not")
    return ["0" if tok[0].isdigit() else tok for tok in _TOKEN.findall(text)]


def _mark_negation(tokens: list[str], scope: int) -> list[str]:
    out, left = [], 0
    for tok in tokens:
        if tok in _SCOPE_STOP:
            left = 0
            out.append(tok)
        elif tok in _NEGATIONS:
            left = scope
            out.append(tok)
        elif left and tok not in _PLACEHOLDERS:
            out.append("neg_" + tok)
            left -= 1
        else:
            out.append(tok)
    return out


def _in_quotes(tokens: Sequence[str]) -> list[bool]:
    inside, flags = False, []
    for tok in tokens:
        if tok == '"':
            inside = not inside
        flags.append(inside)
    return flags if not inside else [False] * len(tokens)  # unbalanced quotes: no claim


def _closest_pair(tokens: Sequence[str]) -> tuple[int, int] | None:
    """Positions of the nearest source and target placeholders, or None when one is missing.

    Of equally near pairs, the one with the first source, then the first target. One pass: the nearest
    target of a source is the last one before it or the first one after it.
    """
    return _closest_pair_at([i for i, t in enumerate(tokens) if t == SOURCE],
                            [i for i, t in enumerate(tokens) if t == TARGET])


def _closest_pair_at(src: Sequence[int], tgt: Sequence[int]) -> tuple[int, int] | None:
    """The nearest of source positions ``src`` and target positions ``tgt`` (both ascending)."""
    if not src or not tgt:
        return None
    best, k = None, 0
    for a in src:
        while k < len(tgt) and tgt[k] < a:
            k += 1
        for b in (tgt[k - 1] if k else None, tgt[k] if k < len(tgt) else None):
            if b is not None and (best is None or abs(a - b) < abs(best[0] - best[1])):
                best = (a, b)
    return best


def _is_passive(middle: Sequence[str], before: Sequence[str]) -> bool:
    """Whether the second actor is the agent: "<first> was <participle> ... by <second>", "<participle> on
    <first> by <second>", or "<first> received ... from <second>".

    ``middle`` are the words between the actors, ``before`` the few words before the first one.
    """
    while middle and middle[-1] in ("the", "a", "an"):
        middle = middle[:-1]
    if not middle or middle[-1] not in ("by", "from"):
        return False
    if middle[-1] == "from":
        return any(t in _RECEIVE for t in middle[:-1])
    return any(t.endswith("ed") or t in _IRREGULAR for t in [*middle[:-1], *before])


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, str]:
    """Word -> "pos"/"neg" from the VADER lexicon (Hutto and Gilbert 2014) shipped in ``vaderSentiment``;
    words with a mean valence of at least 1 in absolute value."""
    text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and re.fullmatch(r"[a-z][a-z'-]*", parts[0]):
            valence = float(parts[1])
            if abs(valence) >= 1.0:
                out[parts[0]] = "pos" if valence > 0 else "neg"
    return out


def _add_polarity(view: str) -> str:
    """Append ``prefix:pos`` / ``prefix:neg`` (``prefix:not_pos`` under negation) for polar words of a view."""
    lexicon, extra = _lexicon(), []
    for tok in view.split():
        prefix, sep, word = tok.rpartition(":")
        if not sep:
            continue
        negated = word.startswith("neg_")
        polarity = lexicon.get(word[4:] if negated else word)
        if polarity:
            extra.append(f"{prefix}:{'not_' if negated else ''}{polarity}")
    return " ".join([view, *extra]) if extra else view


_ISE = re.compile(r"is(e|es|ed|ing|ation|ations)$")


@functools.lru_cache(maxsize=65536)
def _stem(token: str) -> str:
    """Snowball stem of a view token, keeping its ``prefix:`` and ``neg_`` marks; British "-ise" is read
    as "-ize" ("fw:criticised" and "fw:criticized" -> "fw:critic"). Placeholders and flags are kept."""
    prefix, _, word = token.rpartition(":")
    neg = "neg_" if word.startswith("neg_") else ""
    word = word[len(neg):]
    if not word[:1].isalpha() or word in _PLACEHOLDERS or word in ("pos", "neg", "not_pos", "not_neg"):
        return token
    if len(word) > 5:
        word = _ISE.sub(r"iz\1", word)
    return f"{prefix}{':' if prefix else ''}{neg}{_STEMMER.stem(word)}"


def _stem_view(view: str) -> str:
    return " ".join(_stem(t) for t in view.split())
