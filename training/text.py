"""Text cleaning and abbreviation-safe sentence splitting.

Cleaning keeps character offsets stable wherever it can: typographic quotes, apostrophes, dashes and
non-breaking spaces are replaced one character for one, and a leading wire-service dateline is blanked
with spaces. Only HTML tags and entities change the length of the text, so offsets reported against the
cleaned text equal offsets into the submitted text whenever it holds no markup.
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

__all__ = ["Sentence", "clean_text", "split_sentences", "has_words"]

_TAG = re.compile(r"<(?:script|style)\b.*?</(?:script|style)\s*>|<!--.*?-->|<[^>]{0,2000}>", re.I | re.S)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CHARMAP = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2033": '"', "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u00a0": " ",
        "\u2009": " ", "\u202f": " ", "\u200b": " ", "\ufeff": " ", "\t": " ", "\r": " ",
    }
)
# "MOSCOW, March 4 (AFP) - ", "BEIJING (Reuters) -- ", "NAIROBI, Kenya, May 2, 2019 - "
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Za-z.]+)?)?(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}"
    r"(?:,\s*\d{4})?)?\s*(?:\([^()\n]{1,40}\))?\s*-{1,2}\s+"
)
_WORD = re.compile(r"[^\W\d_]{2,}")

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
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s)|\n\s*\n")
_LAST_TOKEN = re.compile(r"(\S+)$")


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


def clean_text(raw: str, *, strip_dateline: bool = True) -> str:
    """Normalise news text for actor matching and features.

    Parameters
    ----------
    raw : str
        Article or sentence text, possibly with HTML tags and entities.
    strip_dateline : bool, default=True
        Blank a leading wire dateline such as ``"MOSCOW, March 4 (AFP) - "`` so that its city is not read
        as an actor.

    Returns
    -------
    str
        Text with tags removed, entities decoded, curly quotes and apostrophes made straight, dashes made
        ``-`` and odd spaces made plain spaces. Without markup the result has the length of ``raw``.

    Raises
    ------
    TypeError
        If ``raw`` is not a string.
    """
    if not isinstance(raw, str):
        raise TypeError(f"text must be a string, got {type(raw).__name__}")
    text = raw
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = text.translate(_CHARMAP)
    if strip_dateline:
        m = _DATELINE.match(text)
        if m and m.end() < len(text):
            text = " " * m.end() + text[m.end():]
    return text


def _ends_sentence(text: str, stop: int, nxt: str) -> bool:
    """Whether the punctuation run ending at ``stop`` closes a sentence, given the next word ``nxt``."""
    m = _LAST_TOKEN.search(text, 0, stop)
    token = m.group(1).lower().strip("\"'()[]") if m else ""
    if not token.endswith("."):
        return True  # "!" or "?"
    word = token.rstrip(".")
    if word in _TITLES:
        return False
    dotted = re.fullmatch(r"(?:[a-z]\.)+[a-z]?", token) is not None  # U.S., U.N., e.g, single initials
    if dotted or word in _ENDERS:
        return nxt.lower() in _OPENERS and nxt[:1].isupper()
    return True


def split_sentences(text: str) -> list[Sentence]:
    """Split cleaned text into sentences without breaking after abbreviations.

    A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) followed by white
    space, or at a blank line, unless the full stop belongs to a title ("Mr.", "Gen.") or to an
    abbreviation such as "U.S." that is followed by a word that does not usually open a sentence.
    The next sentence may start in lower case ("... envoy. tehran later ...").

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
    for m in _BOUNDARY.finditer(text):
        stop = m.end()
        if not m.group(0).startswith("\n"):
            rest = text[stop:stop + 40].lstrip()
            nxt = re.match(r"[\"'(\[]*(\w*)", rest)
            if not rest or not _ends_sentence(text, stop, nxt.group(1) if nxt else ""):
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


def has_words(text: str) -> bool:
    """Whether ``text`` holds at least one word of two or more letters (any script).

    Parameters
    ----------
    text : str

    Returns
    -------
    bool
        False for empty, blank, digit-only or punctuation-only text ("", "12 34", "!!!").
    """
    return _WORD.search(text) is not None
