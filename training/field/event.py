"""One event found in text: a verb phrase of the CAMEO verb dictionary and its code."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EventMatch"]


@dataclass(frozen=True)
class EventMatch:
    """A verb phrase found in a sentence, with its CAMEO event code.

    Attributes
    ----------
    start, end : int
        Character offsets of the phrase (from the verb or the first pattern word to the last one).
    code : str
        The CAMEO event code ("112").
    root : str
        Its root, "01".."20".
    quad_class : int
        1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
    goldstein : float
        Goldstein (1992) score of the code.
    words : tuple of str
        The matched words as written in the text, in order (verb and pattern words).
    verb : str
        Lemma of the verb ("accuse").
    pattern : str or None
        The dictionary pattern line, None when the verb's own code applied.
    passive_code : str or None
        The dictionary's passive meaning of the pattern or verb (``[057:057]``), if any.
    negated : bool
        A negation ("not", "never", "n't", ...) stands within the three tokens before the verb.
    passive : bool
        The verb follows a form of "be" or "get" (passive voice, roughly).
    """

    start: int
    end: int
    code: str
    root: str
    quad_class: int
    goldstein: float
    words: tuple[str, ...]
    verb: str
    pattern: str | None
    passive_code: str | None
    negated: bool
    passive: bool
