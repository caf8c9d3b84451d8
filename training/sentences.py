"""Abbreviation-safe sentence splitting of cleaned text, in linear time.

A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) followed by white space, or
at a blank line, unless the full stop belongs to a title ("Mr.", "Gen.") or to an abbreviation such as
"U.S." followed by a word that does not usually open a sentence. Offsets index the cleaned text
(:func:`training.text.clean_text`), which :mod:`training.text` re-exports these names beside.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Sentence", "split_sentences"]


# Abbreviations after which a full stop does not end a sentence. Titles never end one; the others end
# one only when the next word is a usual sentence opener ("... sanctions on the U.S. The move ...").
_TITLES = frozenset(
    "mr mrs ms dr prof gen lt col maj capt cmdr adm sgt sen rep gov st rev fr pres amb messrs mt ft hon"
    " no nos vs v e.g i.e cf approx dept est fig jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_ENDERS = frozenset("inc corp co ltd jr sr etc plc bros".split())
_OPENERS = frozenset(
    "the a an it its he she they we i in on at but and this that these those his her their after before while"
    " when meanwhile however last earlier later there on if as officials some many both".split()
)
# A run of "." "!" "?" is tried only from its start: "!!!...!" with no space then costs one pass, not one
# backtracking scan per character.
_BOUNDARY = re.compile(r"(?<![.!?])[.!?]+[\"')\]]*(?=\s)|\n\s*\n")
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")  # with endpos: the last white space before it
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]?")  # U.S., U.N., e.g, single initials
_NEXT_WORD = re.compile(r"[\"'(\[]*(\w*)")


class Sentence(NamedTuple):
    """One sentence of a cleaned text.

    Attributes
    ----------
    text : str
        The sentence, stripped of surrounding white space.
    start, end : int
        Character offsets of ``text`` in the cleaned text (``cleaned[start:end] == text``).
    """

    text: str
    start: int
    end: int


def _ends_sentence(token: str, nxt: str) -> bool:
    """Whether the punctuation run that ends ``token`` (its last white-space-free run) closes a sentence,
    given the next word ``nxt``."""
    token = token.lower().strip("\"'()[]")
    if not token.endswith("."):
        return True  # "!" or "?"
    word = token.rstrip(".")
    if word in _TITLES:
        return False
    if word in _ENDERS or _DOTTED.fullmatch(token) is not None:
        return nxt.lower() in _OPENERS and nxt[:1].isupper()
    return True


def split_sentences(text: str) -> list[Sentence]:
    """Split cleaned text into sentences without breaking after abbreviations.

    A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) followed by white
    space, or at a blank line, unless the full stop belongs to a title ("Mr.", "Gen.") or to an
    abbreviation such as "U.S." that is followed by a word that does not usually open a sentence.
    The next sentence may start in lower case ("... envoy. tehran later ...").

    Linear in the length of the text: each candidate boundary looks back only over the text since the
    previous one, and the word it ends is never longer than that stretch.

    Parameters
    ----------
    text : str
        Text already passed through :func:`clean_text`.

    Returns
    -------
    list of Sentence
        In document order, empty sentences dropped; offsets index ``text``.
    """
    sentences: list[Sentence] = []
    start = 0
    n = len(text)
    scanned, last_space = 0, -1  # white space is searched once: text[scanned:] is not searched yet
    for m in _BOUNDARY.finditer(text):
        stop = m.end()
        if not m.group(0).startswith("\n"):
            space = _LAST_SPACE.search(text, scanned, stop)
            if space is not None:
                last_space = space.start()
            scanned = stop
            rest = text[stop:stop + 40].lstrip()
            if not rest:
                continue
            nxt = _NEXT_WORD.match(rest)
            if not _ends_sentence(text[last_space + 1:stop], nxt.group(1)):
                continue
        _append(sentences, text, start, stop)
        start = stop
    _append(sentences, text, start, n)
    return sentences


def _append(out: list[Sentence], text: str, start: int, stop: int) -> None:
    chunk = text[start:stop]
    lead = len(chunk) - len(chunk.lstrip())
    body = chunk.strip()
    if body:
        out.append(Sentence(body, start + lead, start + lead + len(body)))
