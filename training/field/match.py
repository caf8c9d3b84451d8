"""Find CAMEO verb phrases in a sentence: one left-to-right pass, linear in the sentence length.

How a sentence is read:

1. Tokens are words (letters and digits, with inner hyphens and apostrophes: "sit-in", "didn't"),
   lower-cased, with their character offsets. Determiners (:data:`~training.field.verbs.DETERMINERS`)
   are dropped, in the text as in the patterns, so "signed an agreement" reads "signed agreement".
2. At each token a dict keyed by the first word of every verb form gives the candidate verbs; the
   longest form that matches wins ("asked for" over "asked"). A verb form right after a determiner is
   taken as a noun ("the attack") and skipped.
   So is a form right after a preposition, unless it ends in -ing ("for talks" is a noun, "of shelling"
   an act), and a word already taken as the object of the previous match ("asked for military aid").
3. The verb's block patterns are tried through an index keyed by the first word of their first slot
   after the verb (or, for patterns with words only before the verb, by the last one before it), so
   only patterns that can match are checked. A pattern matches when its slots occur in order, each a
   run of consecutive tokens, other tokens between them allowed, all within ``window`` tokens after
   (or before) the verb and not across a clause barrier (``; : ! ?``, a final period, "but", "while",
   "which", "who", ...). The most specific matching pattern (most words, then shortest span) wins; if
   none does, the verb's own code applies. A winning pattern or verb with the null code ``---`` gives
   no event.

Each token is visited once as a verb candidate and each check looks at most ``window`` tokens, so the
work is linear in the sentence length (no regular expression per pattern per sentence).

Not implemented: PETRARCH2 reads a constituency parse, so it knows the verb, its subject and its
object and their phrases. Here, words are only ordered words: the source/target markers ``$`` and
``+`` and the skipped phrase ``^`` of patterns are ignored (the gap rule covers them); noun phrases
``{...}`` and prepositional phrases ``(...)`` are flattened into ordered words; pattern words are not
inflected (the dictionary lists "ATTACK" and "ATTACKS" separately), synonym sets carry their
plurals; transformations (``~`` verb-on-verb rules such as "said it will attack" -> 138) and
PETRARCH2's code combination ("will help" -> 033) are not applied; verbs inside noun phrases ("the
attacking force") and verbs whose object sits far away are missed or miscoded; negation and the
passive voice are only flagged, from the three tokens before the verb.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from training.field.codes import goldstein, quad_class, root
from training.field.event import EventMatch
from training.field.verbs import DETERMINERS, Slot, VerbLexicon, VerbPattern, load_verbs

__all__ = ["EventMatch", "VerbMatcher", "default_matcher", "find_events", "tokenize"]

_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|[;:!?]|\.(?=\s|$)")
_BARRIERS = frozenset({";", ":", "!", "?", ".", "but", "while", "whereas", "which", "who", "whom", "because",
                       "although"})  # a pattern does not reach across these
_PREPOSITIONS = frozenset({"of", "on", "for", "in", "at", "with", "by", "from", "about", "into", "over", "after",
                           "against"})
_NEGATIONS = frozenset({"not", "never", "no", "nor", "without", "refused", "declined", "cannot"})
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "gets", "got"})


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased word tokens of ``text`` with their character offsets, apostrophes normalised."""
    low = text.replace("’", "'").lower()
    if len(low) == len(text):  # almost always: lower-case the text once, not each token
        return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(low)]
    return [(m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _slot_map(slot: Slot) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for alt in slot:
        out.setdefault(alt[0], []).append(alt)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


class VerbMatcher:
    """The verb lexicon indexed for :meth:`find`.

    Parameters
    ----------
    lexicon : VerbLexicon
    window : int, default=6
        How many tokens (determiners not counted) after or before the verb a pattern may span.
    """

    def __init__(self, lexicon: VerbLexicon, *, window: int = 6):
        self.window = window
        self.duplicate_forms = 0  # forms listed under more than one verb: the first one wins, as in PETRARCH2
        self._verbs: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        seen: set[tuple[str, ...]] = set()
        for verb in lexicon.verbs:
            for form in verb.forms:
                if form in seen:
                    self.duplicate_forms += 1
                    continue
                seen.add(form)
                self._verbs.setdefault(form[0], []).append((form, verb))
        for items in self._verbs.values():
            items.sort(key=lambda item: -len(item[0]))
        self._post: dict[str, dict[str, list[int]]] = {}
        self._pre: dict[str, dict[str, list[int]]] = {}
        self._patterns: list[tuple[VerbPattern, tuple, tuple]] = []
        for block, patterns in lexicon.patterns.items():
            for pattern in patterns:
                pid = len(self._patterns)
                self._patterns.append((pattern, tuple(_slot_map(s) for s in pattern.pre),
                                       tuple(_slot_map(s) for s in pattern.post)))
                if pattern.post:
                    keys, index = {alt[0] for alt in pattern.post[0]}, self._post.setdefault(block, {})
                else:
                    keys, index = {alt[-1] for alt in pattern.pre[-1]}, self._pre.setdefault(block, {})
                for key in keys:
                    index.setdefault(key, []).append(pid)

    # -- matching ----------------------------------------------------------------------------------
    @staticmethod
    def _at(words: Sequence[str], pos: int, slot: dict, limit: int) -> int:
        """End of the longest alternative of ``slot`` starting at ``pos`` (ending by ``limit``), or -1."""
        for alt in slot.get(words[pos], ()):
            if pos + len(alt) <= limit and tuple(words[pos:pos + len(alt)]) == alt:
                return pos + len(alt)
        return -1

    def _forward(self, words, slots, pos, limit, used) -> bool:
        for slot in slots:
            while pos < limit and (end := self._at(words, pos, slot, limit)) < 0:
                pos += 1
            if pos >= limit:
                return False
            used.extend(range(pos, end))
            pos = end
        return True

    def _backward(self, words, slots, stop, low, used) -> bool:
        for slot in reversed(slots):
            pos = stop - 1
            while pos >= low and self._at(words, pos, slot, stop) < 0:
                pos -= 1
            if pos < low:
                return False
            end = self._at(words, pos, slot, stop)
            used.extend(range(pos, end))
            stop = pos
        return True

    def _best(self, words, block, vs, ve, nxt, prv):
        """The most specific pattern of ``block`` around the verb at tokens ``vs:ve`` and its tokens."""
        tried, best = set(), None
        hi, lo = min(nxt[ve - 1], ve + self.window), max(prv[vs], vs - self.window)
        candidates = [(j, pid) for j in range(ve, hi) for pid in self._post.get(block, {}).get(words[j], ())]
        candidates += [(j, pid) for j in range(lo, vs) for pid in self._pre.get(block, {}).get(words[j], ())]
        for j, pid in candidates:
            if pid in tried:
                continue
            tried.add(pid)
            pattern, pre, post = self._patterns[pid]
            used: list[int] = []
            if post and not self._forward(words, post, j, hi, used):
                continue
            if pre and not self._backward(words, pre, vs, lo, used):
                continue
            score = (pattern.size, -(max(used) - min(used)), -pid)
            if best is None or score > best[0]:
                best = (score, pattern, used)
        return best

    def find(self, text: str | Sequence[str]) -> list[EventMatch]:
        """Every verb phrase of the dictionary in ``text`` with its event code.

        Parameters
        ----------
        text : str or sequence of str
            A sentence or a span of one; a sequence of tokens is joined with spaces first, and the
            offsets then refer to that joined string.

        Returns
        -------
        list of EventMatch
            In text order, one per verb occurrence that gives an event.
        """
        if not isinstance(text, str):
            text = " ".join(text)
        raw = tokenize(text)
        keep = [i for i, t in enumerate(raw) if t[0] not in DETERMINERS]
        words = [raw[i][0] for i in keep]
        n = len(words)
        nxt, prv = [n] * (n + 1), [0] * (n + 1)  # first barrier after each token, first token after a barrier
        barriers = [j for j, w in enumerate(words) if w in _BARRIERS]
        if barriers:  # most sentences have one, at the end: fill the arrays from the barrier positions
            for j0, j1 in zip([-1] + barriers, barriers + [n]):
                nxt[j0 + 1:j1 + 1] = [j1] * (j1 - j0)
                prv[j0 + 1:j1 + 1] = [j0 + 1 if j0 >= 0 else 0] * (j1 - j0)
        out: list[EventMatch] = []
        k, consumed = 0, set()  # object words of earlier matches
        verbs = self._verbs
        while k < n:
            candidates = verbs.get(words[k])
            if candidates is None:  # most tokens start no verb form: skip them at once
                k += 1
                continue
            i = keep[k]
            hit = next(((form, verb) for form, verb in candidates
                        if tuple(words[k:k + len(form)]) == form), None)
            previous = raw[i - 1][0] if i > 0 else ""
            if hit is None or k in consumed or previous in DETERMINERS or (
                    previous in _PREPOSITIONS and not words[k].endswith("ing")):
                k += 1
                continue
            form, verb = hit
            ve = k + len(form)
            best = self._best(words, verb.block, k, ve, nxt, prv)
            pattern = best[1] if best else None
            code, passive_code = (pattern.code, pattern.passive_code) if pattern else (verb.code, verb.passive_code)
            code = code or passive_code  # both None: the null code, no event
            if code:
                toks = sorted(set(range(k, ve)) | set(best[2] if best else ()))
                consumed.update(toks)
                before = [t[0] for t in raw[max(0, i - 3):i]]
                out.append(EventMatch(
                    raw[keep[toks[0]]][1], raw[keep[toks[-1]]][2], code, root(code), quad_class(code),
                    goldstein(code), tuple(text[raw[keep[t]][1]:raw[keep[t]][2]] for t in toks), verb.lemma,
                    pattern.line if pattern else None, passive_code,
                    any(w in _NEGATIONS or w.endswith("n't") for w in before),
                    bool(before) and before[-1] in _BE and not any(w.endswith("ing") for w in form)))
            k = ve
        return out


@functools.lru_cache(maxsize=1)
def default_matcher() -> VerbMatcher:
    """The matcher of ``data/field/CAMEO.2.0.txt``, built once (about a second)."""
    return VerbMatcher(load_verbs())


def find_events(text: str | Sequence[str], *, matcher: VerbMatcher | None = None) -> list[EventMatch]:
    """Find the CAMEO verb phrases of a sentence (see :meth:`VerbMatcher.find`).

    Parameters
    ----------
    text : str or sequence of str
        A sentence, a span of one, or its tokens.
    matcher : VerbMatcher, optional
        Default: :func:`default_matcher`.

    Returns
    -------
    list of EventMatch
    """
    return (matcher or default_matcher()).find(text)
