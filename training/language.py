"""The language guard: the model reads English only, so other text gets no stance.

:func:`detect_language` looks at a bounded prefix of a cleaned text (:data:`PREFIX_CHARS`) and decides in
three steps, cheapest first:

1. **Script.** When most letters are outside the Latin script (Cyrillic, Arabic, Han, ...), the text is
   not English, however short.
2. **CLD2** (``pycld2``, Chromium's compact detector, compiled with its tables): an English verdict is
   accepted at once when CLD2 calls it reliable, or when the prefix has :data:`CLD2_MIN_LETTERS` letters.
   Nearly every English article ends here (about 0.04 ms for 300 characters).
3. **langid** (``py3langid``, its model inside the wheel, restricted to :data:`NEWS_LANGUAGES`) decides
   the rest: the text is not English when its most likely language is another one with probability at
   least :data:`MIN_CONFIDENCE`. Short texts ("La France a condamné l'Iran.") land here, since CLD2
   calls them unreliable.

Nothing is downloaded at run time. The rule's figures (false alarms on the English sets, recall on short
non-English news sentences, speed) are in ``bench/RESULTS.md`` and ``bench/SPEED.md``
(``python bench/language.py``). The langid model takes about 1.5 s to load; it is loaded on first need
(:func:`warm_up` loads it ahead, as the service does at start-up).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

__all__ = ["CLD2_MIN_LETTERS", "ENGLISH", "LanguageGuess", "MIN_CONFIDENCE", "NEWS_LANGUAGES", "PREFIX_CHARS",
           "detect_language", "is_english", "skipped_text", "warm_up"]

ENGLISH = "en"
#: characters of the cleaned text that are read (cut back to the last space)
PREFIX_CHARS = 300
#: letters from which CLD2's English guess is taken even when it calls it unreliable (an article with a
#: list of names, or leading blanks): the langid model is then not needed, nor loaded, for English copy
CLD2_MIN_LETTERS = 100
#: langid's probability above which a non-English verdict stands (English texts peaked at 0.33)
MIN_CONFIDENCE = 0.6
#: the languages langid chooses among: English and the main languages of news; restricting the choice
#: removes most false alarms on English names and short sentences (``bench/RESULTS.md``)
NEWS_LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "nl", "sv", "da", "no", "pl", "cs", "ro", "hu", "hr", "sr",
                  "bg", "ru", "uk", "el", "tr", "ar", "fa", "ur", "he", "hi", "bn", "zh", "ja", "ko", "vi", "id",
                  "ms", "tl", "sw", "ha", "am", "so")
_CLD2_CODES = {"iw": "he", "zh-Hant": "zh", "tl": "tl", "jw": "jv"}


@dataclass(frozen=True)
class LanguageGuess:
    """The language a text was read as.

    Attributes
    ----------
    code : str
        ISO 639-1 code (``"en"``, ``"fr"``, ...): ``"en"`` when read as English, ``"und"`` for text in
        another script that no detector could name.
    english : bool
        Whether the text may be read by the model.
    confidence : float
        The deciding detector's probability (1.0 for the script rule and a reliable CLD2 verdict).
    method : str
        ``"script"``, ``"cld2"`` or ``"langid"``: which step decided.
    """

    code: str
    english: bool
    confidence: float
    method: str


_LANGID = None
_LOCK = threading.Lock()


def _langid():
    global _LANGID
    if _LANGID is None:
        with _LOCK:
            if _LANGID is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                ident.set_languages(list(NEWS_LANGUAGES))
                _LANGID = ident
    return _LANGID


def warm_up() -> None:
    """Load the langid model now (about 1.5 s) rather than on the first text that needs it."""
    _langid()


def _prefix(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[:cut if cut > limit // 2 else limit]


_OTHER_LETTER = re.compile(r"[^\W\d_\u0000-\u024F]")  # a letter past Latin Extended-B
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")


def _mostly_other_script(text: str) -> bool:
    if text.isascii():
        return False
    return len(_OTHER_LETTER.findall(text)) > len(_LATIN_LETTER.findall(text))


def _cld2(text: str) -> tuple[bool, str]:
    """(reliable, code) of CLD2; (False, "un") when it cannot read the text."""
    import pycld2

    try:
        reliable, _, details = pycld2.detect(text)
    except pycld2.error:  # invalid UTF-8 (lone surrogates cannot reach here, but be safe)
        return False, "un"
    code = details[0][1]
    return reliable, _CLD2_CODES.get(code, code.split("-")[0])


def detect_language(text: str, *, prefix: int = PREFIX_CHARS) -> LanguageGuess:
    """Whether ``text`` is English, and if not, which language it is.

    Parameters
    ----------
    text : str
        Cleaned text (:func:`training.text.clean_text`); only its first ``prefix`` characters are read.
    prefix : int, default=PREFIX_CHARS

    Returns
    -------
    LanguageGuess
        Time is bounded by ``prefix``, whatever the text's length.
    """
    head = _prefix(text, prefix)
    script = _mostly_other_script(head)
    if not script:
        reliable, code = _cld2(head)
        if code == ENGLISH and (reliable or sum(ch.isalpha() for ch in head) >= CLD2_MIN_LETTERS):
            return LanguageGuess(ENGLISH, True, 1.0, "cld2")
    label, p = _langid().classify(head)
    if script:
        reliable, code = _cld2(head)
        if not (reliable and code not in ("un", ENGLISH)):
            code = label if label != ENGLISH else "und"
        return LanguageGuess(code, False, 1.0, "script")
    if label != ENGLISH and p >= MIN_CONFIDENCE:
        return LanguageGuess(label, False, round(float(p), 4), "langid")
    return LanguageGuess(ENGLISH, True, round(float(p), 4), "langid")


def skipped_text(skipped: list[dict], *, what: str = "articles") -> str:
    """The summary line on texts skipped as not English, ``""`` when none.

    Parameters
    ----------
    skipped : list of dict
        ``{"id", "language"}`` per skipped text.
    what : str, default="articles"
        What the texts are, for the sentence.
    """
    if not skipped:
        return ""
    counts: dict[str, int] = {}
    for x in skipped:
        counts[x["language"]] = counts.get(x["language"], 0) + 1
    by = ", ".join(f"{code} {n}" for code, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    ids = ", ".join(repr(str(x["id"])[:60]) for x in skipped[:5])
    return (f"skipped {len(skipped)} {what} not in English ({by}); the model reads English only: {ids}"
            f"{' ...' if len(skipped) > 5 else ''}\n")


def is_english(text: str) -> bool:
    """``detect_language(text).english``."""
    return detect_language(text).english
