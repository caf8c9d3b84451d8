"""Where a feature of :mod:`training.explain` sits in its sentence: the words it comes from.

The ``sentence`` view is the masked sentence token for token; ``between`` and ``relation`` words come from
between the two actors, ``near`` words from the windows beside them (``sl:``, ``tr:`` ...), each matched
through the masker's stems (``fw:condemn`` -> "condemned"); polarity tags (``fw:neg``) map to the words of
the VADER lexicon with that polarity in the same place, CAMEO verb tags (``camfw:r11``) to the verb of their
phrase. Flags have no span, and when the sentence's
tokens cannot be aligned with the masker's, no span is given rather than a wrong one.
"""

from __future__ import annotations

import re

from training.features import _MAX_BETWEEN
from training.field.tags import cameo_events
from training.tokens import _PLACEHOLDERS, _TOKEN, _closest_pair, _lexicon, _stem

__all__: list[str] = []


def _surface_tokens(text: str) -> list[tuple[str, int, int]] | None:
    """The masker's tokens of a stretch of text with their character spans, or None when lower-casing
    changes the text's length (then offsets cannot be trusted)."""
    low = text.lower()
    if len(low) != len(text):
        return None
    chars, where = [], []
    i = 0
    while i < len(low):  # the masker reads "n't" as " not" and "cannot" as "can not"
        if low.startswith("n't", i):
            chars += list(" not")
            where += [i, i, i + 1, i + 2]
            i += 3
        elif low.startswith("cannot", i):
            chars += list("can not")
            where += [i, i + 1, i + 2, i + 3, i + 3, i + 4, i + 5]
            i += 6
        else:
            chars.append(low[i])
            where.append(i)
            i += 1
    flat = "".join(chars)
    return [("0" if m.group()[0].isdigit() else m.group(), where[m.start()], where[m.end() - 1] + 1)
            for m in _TOKEN.finditer(flat)]


class _Aligner:
    """Character spans of the masker's tokens of one example, and of the words behind each feature."""

    def __init__(self, example: dict, masked: list[str], *, stem: bool, window: int):
        self.ok = False
        self.stem, self.window = stem, window
        text = example["text"]
        marks = sorted([(int(s), int(e), ph) for key, ph in
                        (("source_spans", "xsrcx"), ("target_spans", "xtgtx"), ("other_spans", "xothx"))
                        for s, e in (example.get(key) or [])])
        tokens: list[tuple[str, int, int]] = []
        pos = 0
        for s, e, ph in marks + [(len(text), len(text), None)]:
            if s < pos:
                continue
            part = _surface_tokens(text[pos:s])
            if part is None:
                return
            tokens += [(t, a + pos, b + pos) for t, a, b in part]
            if ph:
                tokens.append((ph, s, e))
            pos = e
        if len(tokens) != len(masked) or any(m.removeprefix("neg_") != t for m, (t, _, _) in zip(masked, tokens)):
            return
        self.ok = True
        self.words = masked  # with the negation marks, as the views read them
        self.where = [(a, b) for _, a, b in tokens]
        self.pair = _closest_pair(masked)

    def _read(self, i: int) -> str:
        word = self.words[i]
        return _stem(word) if self.stem else word

    def _region(self, view: str, prefix: str) -> range:
        i, j = self.pair
        lo, hi = sorted(self.pair)
        if view in ("between", "relation"):
            if view == "relation" and prefix in ("seg", "rep", "fw", "bw"):
                k = max((p for p in range(lo + 1, hi) if self.words[p] == "xothx"), default=None)
                if k is not None:
                    return range(k + 1, hi) if prefix in ("seg", "rep") else range(lo + 1, k)
            return range(lo + 1, hi)
        m = re.fullmatch(r"[or]?([st])([lr])", prefix)
        if view == "near" and m:
            pos = i if m.group(1) == "s" else j
            w = self.window
            return range(max(0, pos - w), pos) if m.group(2) == "l" else range(pos + 1, min(len(self.words),
                                                                                        pos + 1 + w))
        return range(0)

    def _token_spans(self, view: str, token: str) -> list[int]:
        prefix, sep, word = token.rpartition(":")
        if view == "between":
            prefix, word = "", token
        elif not sep:
            return []  # a flag such as _st, _passive, _fw
        if view == "relation" and prefix.startswith("cam"):
            return self._cameo_spans(prefix[3:], word)
        region = self._region(view, prefix)
        if word in ("pos", "neg", "not_pos", "not_neg"):
            lexicon = _lexicon()
            polarity, negated = word.removeprefix("not_"), word.startswith("not_")
            return [p for p in region if self.words[p].startswith("neg_") == negated
                    and lexicon.get(self.words[p].removeprefix("neg_")) == polarity]
        if word.startswith("_") or word in _PLACEHOLDERS:
            return []
        return [p for p in region if self._read(p) == word]

    def _cameo_spans(self, where: str, tag: str) -> list[int]:
        """The verbs of the CAMEO phrases a ``cam<where>:<tag>`` feature comes from (``tag`` such as ``r19``,
        ``q3``, ``not_q3``), found again the way the masker found them."""
        lo, hi = sorted(self.pair)
        if hi - lo - 1 > _MAX_BETWEEN:
            return []  # the masker read a shortened run: positions would not match
        region = self._region("relation", "fw" if where == "oth" else where)
        negated, tag = tag.startswith("not_"), tag.removeprefix("not_")
        out = []
        for pos, r, quad, neg in cameo_events(tuple(self.words[lo + 1:hi])):
            cls = f"q{0 if r in ('01', '02') else quad}"
            if lo + 1 + pos in region and neg == negated and tag in (f"r{r}", cls):
                out.append(lo + 1 + pos)
        return out

    def spans(self, view: str, feature: str) -> list[tuple[int, int]]:
        """Character spans in the sentence of the words ``feature`` of ``view`` comes from."""
        if not self.ok:
            return []
        parts = feature.split(" ")
        if view == "sentence":
            n = len(parts)
            hits = [p for p in range(len(self.words) - n + 1) if self.words[p:p + n] == parts]
            return [(self.where[p][0], self.where[p + n - 1][1]) for p in hits]
        if self.pair is None:
            return []
        if view == "between":
            lo, hi = sorted(self.pair)
            if hi - lo - 1 > _MAX_BETWEEN:  # the view keeps the first and last words only
                half = _MAX_BETWEEN // 2
                keep = set(range(lo + 1, lo + 1 + half)) | set(range(hi - half, hi))
                return sorted({self.where[p] for t in parts for p in self._token_spans(view, t) if p in keep})
        return sorted({self.where[p] for t in parts for p in self._token_spans(view, t)})
