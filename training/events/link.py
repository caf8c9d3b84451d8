"""Which CAMEO verb phrase of a sentence links a directed pair of actors.

The verb phrases come from the vendored CAMEO verb dictionary (:mod:`training.field.match`, one linear
pass per sentence). A sentence is matched once, however many pairs it holds (:class:`SentenceMatches`
keeps the matches of the sentences of one batch). A phrase links ``source -> target`` when the words
around it say the source acts on the target:

1. **Active voice**: a source mention, then the phrase, then a target mention ("China *condemned*
   Russia", "Kenya *signed an agreement with* Ethiopia").
2. **Passive voice**: a target mention, then the phrase in the passive ("was attacked"), then "by" and a
   source mention ("Ukraine *was attacked* by Russia").
3. **Joint subject**: both actors before the phrase, joined only by "and", a comma, "both", "as well as"
   or "together with", and no other actor after it ("Armenia and Azerbaijan *signed an agreement*"): a
   reciprocal act, which links both directions, as the annotation rules and CAMEO code it. Only the
   codes of reciprocal acts count here (:data:`RECIPROCAL`: agree, meet or negotiate, sign an agreement,
   cooperate, fight), not "France and Germany *demanded* ...", and only in the first phrase after the
   subject (its verb).

The words between the source and the phrase (at most :data:`MAX_SUBJECT_GAP` words) and between the phrase
and the target (at most :data:`MAX_OBJECT_GAP`) may hold no clause boundary (``; :``, "but", "while",
"which", "who", "that", ...), so a verb of another clause does not link ("China said that Russia
*attacked* Ukraine" links nothing from China to Ukraine). A joint subject must not follow a preposition
("rebuked *by* Mexico and Argentina"). No other actor may stand between the source and the phrase or
between the phrase and the target unless it is joined to them by such a conjunction ("China
*criticised* the US for attacking Russia" links China -> US by "criticised" and US -> Russia by
"attacking", not China -> Russia). A negated phrase ("did
not *condemn*") links nothing: the project labels what an actor did not do ``neutral``. When several
phrases qualify, the one nearest the target wins (the verb that governs it: "said it would *support*").
Each test looks at the mentions of one sentence, so the work per pair is linear in its mentions.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence

from training.field import EventMatch, VerbMatcher, default_matcher

__all__ = ["SentenceMatches", "link"]

_JOIN = re.compile(r"^(?:[\s,&]|and\b|both\b|as well as\b|together with\b|the\b)*$", re.IGNORECASE)
_BY = re.compile(r"\bby\b", re.IGNORECASE)
_BARRIER = re.compile(r"[;:!?]|\.(?:\s|$)|\b(?:but|while|whereas|which|who|whom|whose|that|because|although|"
                      r"when|after|before|if|unless)\b", re.IGNORECASE)
_PREPOSITION = re.compile(r"\b(?:by|of|with|from|to|for|in|on|at|against|between|among)\W*$", re.IGNORECASE)
_THE = re.compile(r"\bthe\W*$", re.IGNORECASE)
RECIPROCAL = ("03", "04", "057", "06", "19")
"""Code prefixes of the acts a joint subject does to each other."""
MAX_SUBJECT_GAP = 8
"""Most words between the source (or a joint subject) and the phrase."""
MAX_OBJECT_GAP = 12
"""Most words between the phrase and the target."""
MAX_REACH = 400
"""Characters beyond which two mentions, or a mention and a phrase, are too far apart for any rule."""
TAIL_WORDS = MAX_SUBJECT_GAP + 6
"""Words after the last mention that :class:`SentenceMatches` reads (the gap, and a pattern's reach: the
matcher's window of 6 words)."""
_TAIL = re.compile(r"(?:\W*\w+){0,%d}" % TAIL_WORDS)


def _gap(text: str, lo: int, hi: int, limit: int) -> bool:
    """Whether ``text[lo:hi]`` holds at most ``limit`` words and no clause boundary."""
    if hi < lo:
        return True
    part = text[lo:hi]
    return len(part.split()) <= limit and not _BARRIER.search(part)


class SentenceMatches:
    """The CAMEO verb phrases of each distinct sentence text, matched once.

    Parameters
    ----------
    matcher : VerbMatcher, optional
        Default: :func:`training.field.default_matcher` (the vendored ``CAMEO.2.0.txt``).
    """

    def __init__(self, matcher: VerbMatcher | None = None):
        self.matcher = matcher or default_matcher()
        self._cache: dict[str, list[EventMatch]] = {}

    def __call__(self, text: str, spans: Sequence[Sequence[int]] = ()) -> list[EventMatch]:
        """The phrases of ``text`` that are not negated, in text order, offsets into ``text``.

        With ``spans`` (every actor mention of the sentence), only the part a linking phrase can lie
        in is read: from the first mention to :data:`TAIL_WORDS` words after the last one (a phrase
        that links starts after a mention and at most :data:`MAX_SUBJECT_GAP` words after the last,
        and its pattern reaches a few words further). The first call for a text decides its part.
        """
        found = self._cache.get(text)
        if found is None:
            lo, hi = 0, len(text)
            if spans:
                lo = min(s[0] for s in spans)
                hi = _TAIL.match(text, max(s[1] for s in spans)).end()
            part = text[lo:hi] if (lo, hi) != (0, len(text)) else text
            found = [m for m in self.matcher.find(part) if not m.negated]
            if lo:
                found = [dataclasses.replace(m, start=m.start + lo, end=m.end + lo) for m in found]
            self._cache[text] = found
        return found


def _joined(text: str, a: Sequence[int], b: Sequence[int]) -> bool:
    """Whether spans ``a`` and ``b`` (``a`` first) are joined only by a conjunction."""
    return bool(_JOIN.match(text[a[1]:b[0]]))


def _clear(text: str, lo: int, hi: int, others: Sequence[Sequence[int]], ends: Sequence[Sequence[int]],
           starts: Sequence[int] = ()) -> bool:
    """No other actor in ``[lo, hi)`` except ones joined by a conjunction to a span of ``ends`` or to each other.

    ``others`` sorted by start, ``starts`` their starts (for a bisection; computed when not given).
    """
    starts = starts or [o[0] for o in others]
    inside = [o for o in others[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)] if o[1] <= hi]
    if not inside:
        return True
    chain = sorted(list(inside) + [e for e in ends if lo <= e[0] < hi or lo < e[1] <= hi or e[1] == lo or e[0] == hi],
                   key=lambda s: s[0])
    # every other actor must be glued to a neighbour of the chain (A and B accused C; A accused B and C)
    for o in inside:
        k = chain.index(o)
        left = k > 0 and _joined(text, chain[k - 1], o)
        right = k + 1 < len(chain) and _joined(text, o, chain[k + 1])
        if not (left or right):
            return False
    return True


def _after_preposition(text: str, start: int) -> bool:
    """Whether the word before offset ``start`` (past a "the") is a preposition."""
    before = _THE.sub("", text[max(0, start - 40):start])
    return bool(_PREPOSITION.search(before))


def _score(text: str, m: EventMatch, s: Sequence[int], t: Sequence[int], others, match_starts, starts
           ) -> int | None:
    """How near ``m`` is to the pair when it links mention ``s`` to ``t`` (higher is nearer), else None.

    ``others`` sorted by start with their ``starts``; ``match_starts`` the starts of the sentence's phrases.
    """
    if m.passive:  # 2. passive: target, verb, by source
        if t[1] <= m.start and s[0] >= m.end and _BY.search(text, m.end, s[0]) and \
                _gap(text, t[1], m.start, MAX_SUBJECT_GAP) and _gap(text, m.end, s[0], MAX_OBJECT_GAP) and \
                _clear(text, m.end, s[0], others, [s], starts) and _clear(text, t[1], m.start, others, [t], starts):
            return -(s[0] - m.end)
        return None
    if s[1] <= m.start <= t[0]:  # 1. active: source, verb, target
        if _gap(text, s[1], m.start, MAX_SUBJECT_GAP) and _gap(text, m.end, t[0], MAX_OBJECT_GAP) and \
                _clear(text, s[1], t[0], others, [s, t], starts):
            return -(t[0] - m.start)
        return None
    if max(s[1], t[1]) <= m.start and m.code.startswith(RECIPROCAL) and \
            not (others and others[-1][0] >= m.start):  # 3. joint subject, no other actor after the phrase
        first, second = sorted((s, t), key=lambda x: x[0])
        if _joined(text, first, second) and not _after_preposition(text, first[0]) and \
                bisect.bisect_left(match_starts, m.start) == bisect.bisect_left(match_starts, second[1]) and \
                _gap(text, second[1], m.start, MAX_SUBJECT_GAP) and \
                _clear(text, second[1], m.start, others, [second], starts):
            return -(m.start - second[1])
    return None


def link(example: dict, matches: Sequence[EventMatch]) -> EventMatch | None:
    """The verb phrase that links the example's source to its target, or None.

    Parameters
    ----------
    example : dict
        A candidate example (:mod:`training.examples`): ``text`` and the ``source_spans``,
        ``target_spans``, ``other_spans`` offsets into it.
    matches : sequence of EventMatch
        The sentence's phrases (:class:`SentenceMatches`), in text order.

    Returns
    -------
    EventMatch or None
    """
    if not matches:
        return None
    text = example["text"]
    others = sorted(example.get("other_spans") or [], key=lambda o: o[0])
    other_starts = [o[0] for o in others]
    match_starts = [m.start for m in matches]
    best: tuple[int, EventMatch] | None = None
    for s, t in _candidate_pairs(example["source_spans"], example["target_spans"]):
        if max(s[0], t[0]) - min(s[1], t[1]) > MAX_REACH:
            continue  # too far apart for the gaps of any rule
        lo, hi = min(s[1], t[1]), max(s[1], t[1]) + MAX_REACH
        for m in matches[bisect.bisect_left(match_starts, lo):bisect.bisect_left(match_starts, hi)]:
            score = _score(text, m, s, t, others, match_starts, other_starts)
            if score is not None and (best is None or score > best[0]):
                best = (score, m)
    return best[1] if best else None


def _candidate_pairs(sources: Sequence[Sequence[int]], targets: Sequence[Sequence[int]]) -> list[tuple]:
    """Each mention of one side with the nearest mention of the other side before and after it.

    At most ``2 (S + T)`` pairs instead of ``S x T``: a rule links only mentions with no other mention
    of the pair between them that would be nearer.
    """
    sources, targets = sorted(sources, key=lambda x: x[0]), sorted(targets, key=lambda x: x[0])
    out = {}
    for one, other, flip in ((sources, targets, False), (targets, sources, True)):
        starts = [o[0] for o in other]
        for a in one:
            k = bisect.bisect_left(starts, a[0])
            for b in other[max(0, k - 1):k + 1]:
                pair = (b, a) if flip else (a, b)
                out[(tuple(pair[0]), tuple(pair[1]))] = pair
    return list(out.values())
