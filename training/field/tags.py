"""CAMEO verb phrases in a short run of already tokenised words, for the model's features.

:meth:`~training.field.match.VerbMatcher.find` reads a whole sentence from its text; the model's masker
(:mod:`training.features`) has the sentence's tokens already and needs only the verb phrases between a pair
of actors and just after it. :func:`cameo_events` reads such a run of tokens with the matcher's own verb
index and pattern choice (same rules: determiners dropped, a verb form after a determiner or a preposition
is a noun, the longest form wins, the most specific pattern wins, the null code gives nothing), so the cost
is one dictionary look-up per token plus the pattern check of each verb found, and runs are cached (the two
directions of a pair share theirs).
"""

from __future__ import annotations

import functools

from training.field.codes import quad_class, root
from training.field.match import _BARRIERS, _PREPOSITIONS, default_matcher
from training.field.verbs import DETERMINERS

__all__ = ["cameo_events"]

_BARRIER_TOKENS = _BARRIERS | {'"'}


@functools.lru_cache(maxsize=4096)
def cameo_events(tokens: tuple[str, ...]) -> tuple[tuple[int, str, int, bool], ...]:
    """The CAMEO verb phrases of a run of tokens.

    Parameters
    ----------
    tokens : tuple of str
        Lower-case word tokens as :mod:`training.tokens` writes them; a ``neg_`` mark (negation scope) is
        read off the word and reported; placeholders and punctuation never match a verb.

    Returns
    -------
    tuple of (int, str, int, bool)
        Per verb phrase in token order: the position of its verb in ``tokens``, its CAMEO root ("19"),
        quad class (1-4) and whether the verb is negated.
    """
    matcher = default_matcher()
    keep = [i for i, t in enumerate(tokens) if t not in DETERMINERS]
    words = [tokens[i][4:] if tokens[i].startswith("neg_") else tokens[i] for i in keep]
    n = len(words)
    nxt, prv = [n] * (n + 1), [0] * (n + 1)
    for j in range(n - 1, -1, -1):
        nxt[j] = j if words[j] in _BARRIER_TOKENS else nxt[j + 1]
    for j in range(1, n + 1):
        prv[j] = j if words[j - 1] in _BARRIER_TOKENS else prv[j - 1]
    out, k, consumed = [], 0, set()
    while k < n:
        candidates = matcher._verbs.get(words[k])
        i = keep[k]
        previous = tokens[i - 1] if i > 0 else ""
        if not candidates or k in consumed or previous in DETERMINERS or (
                previous in _PREPOSITIONS and not words[k].endswith("ing")):
            k += 1
            continue
        hit = next(((form, verb) for form, verb in candidates if tuple(words[k:k + len(form)]) == form), None)
        if hit is None:
            k += 1
            continue
        form, verb = hit
        ve = k + len(form)
        best = matcher._best(words, verb.block, k, ve, nxt, prv)
        pattern = best[1] if best else None
        code, passive = (pattern.code, pattern.passive_code) if pattern else (verb.code, verb.passive_code)
        code = code or passive
        if code:
            consumed.update(best[2] if best else ())
            out.append((i, root(code), quad_class(code), tokens[i].startswith("neg_")))
        k = ve
    return tuple(out)


def warm() -> None:
    """Build the verb index now (about a second) rather than in the first request."""
    default_matcher()


__all__ += ["warm"]
