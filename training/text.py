"""Text cleaning, the form names are matched in, and (from :mod:`training.sentences`) sentence splitting.

Cleaning keeps character offsets stable wherever it can: typographic quotes, apostrophes, dashes and
non-breaking spaces are replaced one character for one, and a leading wire-service dateline is blanked
with spaces. Only HTML tags and entities change the length of the text, so offsets reported against the
cleaned text equal offsets into the submitted text whenever it holds no markup.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from training.sentences import Sentence, split_sentences

__all__ = ["Sentence", "clean_text", "split_sentences", "has_words", "matching_form", "plain_form"]

# Markup is removed by :func:`_strip_tags`, in one left-to-right pass: a script or style element up to its
# first closing tag, a comment up to its first "-->", or any other tag of at most 2,000 characters. Each
# closing-tag search is remembered, so that many unclosed "<script" or "<!--" cost one scan, not one each.
_OPEN_ELEMENT = re.compile(r"<(?:script|style)\b", re.I)
_CLOSE_ELEMENT = re.compile(r"</(?:script|style)\s*>", re.I)
_MAX_TAG = 2000
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CHARMAP = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2033": '"', "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u00a0": " ",
        "\u2009": " ", "\u202f": " ", "\ufeff": " ", "\t": " ", "\r": " ",
    }
)
# "MOSCOW, March 4 (AFP) - ", "BEIJING (Reuters) -- ", "NAIROBI, Kenya, May 2, 2019 - "
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Za-z.]+)?)?(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}"
    r"(?:,\s*\d{4})?)?\s*(?:\([^()\n]{1,40}\))?\s*-{1,2}\s+"
)
_WORD = re.compile(r"[^\W\d_]{2,}")


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
        text = _strip_tags(text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = text.translate(_CHARMAP)
    if strip_dateline:
        m = _DATELINE.match(text)
        if m and m.end() < len(text):
            text = " " * m.end() + text[m.end():]
    return text


class _Cached:
    """The first match of a pattern at or after a position, for positions that only grow."""

    def __init__(self, text: str, find):
        self.text, self.find = text, find
        self.since, self.at = -1, None  # the last search started at ``since`` and found ``at``

    def __call__(self, pos: int):
        if self.since < 0 or pos < self.since or (self.at is not None and self.at[0] < pos):
            self.since, self.at = pos, self.find(self.text, pos)
        return self.at


def _find_element_end(text: str, pos: int):
    m = _CLOSE_ELEMENT.search(text, pos)
    return None if m is None else (m.start(), m.end())


def _find_str(needle: str):
    def find(text: str, pos: int):
        i = text.find(needle, pos)
        return None if i < 0 else (i, i + len(needle))
    return find


def _strip_tags(text: str) -> str:
    """Replace each tag, comment and script or style element by one space, in linear time.

    The same as substituting ``<(?:script|style)\\b.*?</(?:script|style)\\s*>|<!--.*?-->|<[^>]{0,2000}>``
    (ignoring case, ``.`` matching newlines), which costs a scan to the end of the text for every unclosed
    ``<script`` or ``<!--``.
    """
    element_end = _Cached(text, _find_element_end)
    comment_end = _Cached(text, _find_str("-->"))
    tag_end = _Cached(text, _find_str(">"))
    out: list[str] = []
    done = 0
    i = text.find("<")
    while i >= 0:
        end = None
        m = _OPEN_ELEMENT.match(text, i)
        if m is not None:
            close = element_end(m.end())
            end = close[1] if close else None
        if end is None and text.startswith("<!--", i):
            close = comment_end(i + 4)
            end = close[1] if close else None
        if end is None:
            close = tag_end(i + 1)
            if close and close[0] - i - 1 <= _MAX_TAG:
                end = close[1]
        if end is None:
            i = text.find("<", i + 1)
            continue
        out += (text[done:i], " ")
        done = end
        i = text.find("<", end)
    out.append(text[done:])
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _format_characters() -> re.Pattern:
    """A character class of Unicode's format characters (category Cf: zero-width space and joiners, soft
    hyphen, word joiner, direction marks, ...); all of them lie in planes 0, 1 and 14."""
    codes = [c for c in (*range(0x20000), *range(0xE0000, 0xE1000)) if unicodedata.category(chr(c)) == "Cf"]
    return re.compile("[" + "".join(re.escape(chr(c)) for c in codes) + "]")


@functools.lru_cache(maxsize=4)
def matching_form(text: str) -> tuple[str, tuple[int, ...] | None]:
    """The form of a text that names are matched in: NFKC, with format characters removed.

    Fullwidth letters read as plain ones ("\uff23\uff48\uff49\uff4e\uff41" as "China") and a zero-width
    space, soft hyphen or word joiner inside a word disappears ("Chi\u200bna"). Each character is
    normalised on its own, so the result maps back to ``text`` character by character.

    Parameters
    ----------
    text : str
        Any text; lone surrogates are kept as they are.

    Returns
    -------
    form : str
    index : tuple of int or None
        ``index[k]`` is the position in ``text`` of the character that gave ``form[k]``, and
        ``index[len(form)] == len(text)``; None when ``form`` is ``text`` itself (always for ASCII).
        A match ``form[a:b]`` is ``text[index[a]:index[b - 1] + 1]``.
    """
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and not _format_characters().search(text)):
        return text, None
    fmt = _format_characters()
    pieces: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch < "\x80":
            pieces.append(ch)
            index.append(i)
        elif not fmt.match(ch):
            folded = unicodedata.normalize("NFKC", ch)
            pieces.append(folded)
            index.extend([i] * len(folded))
    index.append(len(text))
    return "".join(pieces), tuple(index)


def plain_form(text: str) -> str:
    """NFKC of ``text`` with format characters removed, as :func:`matching_form` but with no index map
    (and composed across characters). ASCII text is returned as it is."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", _format_characters().sub("", text))


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
