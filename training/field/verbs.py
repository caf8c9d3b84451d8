"""The CAMEO verb dictionary of PETRARCH2 (``data/field/CAMEO.2.0.txt``) read into a verb lexicon.

The file has three parts (format: PETRARCH2 ``dictionaries.rst``):

- **synonym sets**, ``&NAME`` followed by ``+WORD`` or ``+TWO_WORDS`` lines. Regular plurals are added
  to each phrase unless the phrase or the set's label ends with ``_``;
- **verb blocks**, ``--- NAME [CODE] ---`` followed by the block's verbs (``SAY {SAID SAYING}``,
  ``ACCUSE [112]``, multi-word ``+ASK_FOR`` or ``WIRE_+TAP``) and its patterns
  (``- * (OF TORTURE) [1122] # ACCUSE``): every verb of the block shares the block's patterns;
- **transformations** (``~ a (a b ATTACK) SAY = a b 015``), verb-on-verb rules. Read and counted here,
  not applied (they need a parse).

A code is ``[112]`` (one CAMEO code), ``[---]`` (the null code: no event), ``[057:057]`` or ``[:173]``
(PETRARCH2's active and passive meanings, ``utilities.convert_code``). Verbs without an irregular-form
list ``{...}`` get regular forms (:func:`regular_forms`); with one, the listed forms are all the forms.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from training.field.forms import plural, regular_forms

__all__ = ["DEFAULT_VERB_FILE", "DETERMINERS", "Verb", "VerbLexicon", "VerbPattern", "load_verbs",
           "parse_verbs", "plural", "regular_forms"]

DEFAULT_VERB_FILE = Path(__file__).resolve().parents[2] / "data" / "field" / "CAMEO.2.0.txt"

DETERMINERS = frozenset({"a", "an", "the", "this", "these", "those", "its", "their", "his", "her", "our",
                         "my", "your"})
"""Words dropped from patterns and from the matched text alike ("sign AN agreement" = "sign agreement")."""

_CODE = re.compile(r"\[([^\]]*)\]")
_ACTOR_MARKS = frozenset({"$", "+", "^", "%"})  # source, target, skipped phrase, compound actor
Slot = tuple[tuple[str, ...], ...]  # alternatives, each a run of consecutive lower-case tokens


@dataclass(frozen=True)
class VerbPattern:
    """One pattern line: words before and after the verb, and the code they give.

    Attributes
    ----------
    block : str
        Name of the verb block ("BLAME").
    code, passive_code : str or None
        The CAMEO code of the pattern and its passive meaning (``[057:057]``); None for ``---`` or absent.
    pre, post : tuple of Slot
        Word slots before and after the verb, in text order. A slot is a tuple of alternatives, each a
        tuple of consecutive tokens (a synonym set gives many alternatives).
    line : str
        The dictionary line without its comment.
    """

    block: str
    code: str | None
    passive_code: str | None
    pre: tuple[Slot, ...]
    post: tuple[Slot, ...]
    line: str

    @property
    def size(self) -> int:
        """Number of words the pattern requires besides the verb (its specificity)."""
        return sum(min(len(alt) for alt in slot) for slot in self.pre + self.post)


@dataclass(frozen=True)
class Verb:
    """One verb of a block with all its forms.

    Attributes
    ----------
    lemma : str
        The dictionary form, lower case, words joined by spaces ("accuse", "ask for", "wire tap").
    forms : tuple of tuple of str
        Every form as a run of tokens (("accused",), ("asked", "for")).
    code, passive_code : str or None
        The verb's own code or else the block's; None when the verb alone is no event.
    block : str
    """

    lemma: str
    forms: tuple[tuple[str, ...], ...]
    code: str | None
    passive_code: str | None
    block: str


@dataclass
class VerbLexicon:
    """What :func:`parse_verbs` read.

    Attributes
    ----------
    synsets : dict of str to tuple of tuple of str
        ``&NAME`` -> phrases (as token runs), plurals included.
    verbs : list of Verb
    patterns : dict of str to list of VerbPattern
        Block name -> its patterns, in file order.
    transformations : list of str
        The ``~`` lines, kept verbatim and not applied.
    skipped : collections.Counter
        Pattern lines not kept, by reason.
    """

    synsets: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    verbs: list[Verb] = field(default_factory=list)
    patterns: dict[str, list[VerbPattern]] = field(default_factory=dict)
    transformations: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)

    def counts(self) -> dict[str, int]:
        """Sizes: synonym sets, blocks, verbs, verb forms, patterns, transformations, skipped patterns."""
        return {"synsets": len(self.synsets), "blocks": len(self.patterns), "verbs": len(self.verbs),
                "forms": len({f for v in self.verbs for f in v.forms}),
                "patterns": sum(len(p) for p in self.patterns.values()),
                "transformations": len(self.transformations), "skipped_patterns": sum(self.skipped.values())}


def _codes(text: str) -> tuple[str | None, str | None]:
    parts = [p.strip() for p in text.split(":")] + [""]
    active, passive = (p if re.fullmatch(r"\d{2,4}", p) else None for p in parts[:2])
    return active, passive


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(w for w in phrase.lower().replace("_", " ").split() if w not in DETERMINERS)


def _verb_forms(head: str, listed: list[str], irregular: bool) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """The lemma and forms of a verb entry such as ``WIRE_+TAP`` or ``+CORDON_OFF {...}``."""
    def split(entry: str) -> tuple[list[str], int]:
        parts = [p for p in entry.lower().split("_") if p]
        at = next((i for i, p in enumerate(parts) if p.startswith("+")), 0)
        return [p.lstrip("+") for p in parts], at

    words, at = split(head)
    if irregular:
        runs = [words] + [split(f)[0] for f in listed]
    else:
        runs = [words[:at] + [form] + words[at + 1:] for form in regular_forms(words[at])]
    forms = []
    for run in runs:
        forms.append(tuple(run))
        if len(run) == 2 and at == 1:  # "wire tap", "re arrest": also "wire-tap", "wiretap"
            forms += [("-".join(run),), ("".join(run),)]
    return " ".join(words), tuple(dict.fromkeys(forms))


def _pattern(body: str, synsets: dict[str, tuple[tuple[str, ...], ...]]) -> tuple | str:
    """Slots before and after ``*`` of a pattern body, or the reason it is not kept."""
    if body.count("*") != 1:
        return "no single verb marker *"
    sides = []
    for side in body.split("*"):
        slots: list[Slot] = []
        for raw in side.replace("(", " ").replace(")", " ").replace("{", " ").replace("}", " ").split():
            if raw in _ACTOR_MARKS:
                continue
            if raw.startswith("&"):
                if raw not in synsets:
                    return "undefined synonym set"
                slots.append(synsets[raw])
            elif words := _words(raw):
                slots.append((words,))
        sides.append(tuple(slots))
    if not sides[0] and not sides[1]:
        return "no words besides actors"
    return tuple(sides)


def parse_verbs(text: str) -> VerbLexicon:
    """Parse the text of a PETRARCH2 verb dictionary.

    Parameters
    ----------
    text : str
        Content of ``CAMEO.2.0.txt`` or a file of the same format.

    Returns
    -------
    VerbLexicon
    """
    lex = VerbLexicon()
    in_verbs, label, block, block_codes = False, "", "", (None, None)
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if raw.startswith("####### VERB PATTERNS"):
            in_verbs = True
        if not line.strip():
            continue
        if not in_verbs:
            if line.startswith("&"):
                label = line.strip()
                lex.synsets[label] = ()
            elif line.startswith("+") and label:
                phrase = line[1:].strip()
                runs = [_words(phrase)]
                if not phrase.endswith("_") and not label.endswith("_") and runs[0]:
                    runs.append(runs[0][:-1] + (plural(runs[0][-1]),))
                lex.synsets[label] = tuple(dict.fromkeys(lex.synsets[label] + tuple(r for r in runs if r)))
            continue
        if line.startswith("---"):
            block = line.strip("- ").split()[0]
            found = _CODE.search(line)
            block_codes = _codes(found.group(1)) if found else (None, None)
            lex.patterns.setdefault(block, [])
        elif line.startswith("~"):
            lex.transformations.append(line.strip())
        elif line.startswith("-"):
            found = list(_CODE.finditer(line))
            if not found:
                lex.skipped["no code"] += 1
                continue
            body = line[1:found[-1].start()]
            parsed = _pattern(body, lex.synsets)
            if isinstance(parsed, str):
                lex.skipped[parsed] += 1
                continue
            code, passive = _codes(found[-1].group(1))
            lex.patterns[block].append(VerbPattern(block, code, passive, parsed[0], parsed[1], line.strip()))
        else:
            found = _CODE.search(line)
            code, passive = _codes(found.group(1)) if found else block_codes
            entry = _CODE.sub(" ", line).strip()
            head, _, rest = entry.partition("{")
            listed = rest.replace("}", " ").split()
            lemma, forms = _verb_forms(head.strip(), listed, "{" in entry)
            lex.verbs.append(Verb(lemma, forms, code, passive, block))
    return lex


def load_verbs(path: str | Path = DEFAULT_VERB_FILE) -> VerbLexicon:
    """Read and parse a verb dictionary file (default ``data/field/CAMEO.2.0.txt``).

    Parameters
    ----------
    path : path-like, default=``data/field/CAMEO.2.0.txt``

    Returns
    -------
    VerbLexicon
    """
    return parse_verbs(Path(path).read_text(encoding="utf-8", errors="replace"))
