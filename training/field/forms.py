"""Regular English inflection, as the CAMEO verb dictionary expects it to be generated.

The dictionary lists irregular forms in ``{...}``; every other verb gets :func:`regular_forms`, and every
synonym-set phrase gets the :func:`plural` of its last word (PETRARCH2 ``dictionaries.rst``).
"""

from __future__ import annotations

import re

__all__ = ["plural", "regular_forms"]


def plural(word: str) -> str:
    """Regular plural of a lower-case noun: -es after s/x/z/ch/sh, -ies after consonant + y, else -s."""
    if re.search(r"(?:s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def regular_forms(verb: str) -> tuple[str, ...]:
    """The regular forms of a lower-case English verb: itself, -s/-es/-ies, -ed/-d/-ied, -ing.

    A one-syllable verb ending in vowel + consonant also gets the doubled forms ("ban": "banned",
    "banning"), as well as the undoubled ones, since the dictionary lists few of them.
    """
    third = plural(verb)
    if verb.endswith("e"):
        past = verb + "d"
    elif re.search(r"[^aeiou]y$", verb):
        past = verb[:-1] + "ied"
    else:
        past = verb + "ed"
    if verb.endswith("ie"):
        ing = verb[:-2] + "ying"
    elif verb.endswith("e") and len(verb) > 2 and not verb.endswith(("ee", "ye", "oe")):
        ing = verb[:-1] + "ing"
    else:
        ing = verb + "ing"
    forms = [verb, third, past, ing]
    if re.fullmatch(r"[^aeiou]*[aeiou][^aeiouwxy]", verb):
        forms += [verb + verb[-1] + "ed", verb + verb[-1] + "ing"]
    return tuple(dict.fromkeys(forms))
