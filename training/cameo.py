"""CAMEO actor codes with role codes ("GEOOPP", "USAGOVMIL", "---LEG", "IGOUNOMIL") found in text.

Event-data gold standards name actors by CAMEO codes: a state (ISO alpha-3) or a transnational prefix,
followed by role codes (GOV government, MIL military, OPP opposition, LEG legislature, ...). A reader
finds "Georgian demonstrators" for ``GEOOPP`` and "Congress" for ``---LEG``; so does this module, with
the role nouns of ``data/actors/cameo_agents.json`` (CAMEO codebook v1.1b3, Schrodt 2012), in the manner
of PETRARCH's agents dictionary.
"""

from __future__ import annotations

import bisect
import functools
import re

from training.actors import ActorDictionary, Mention, without_overlaps

__all__ = ["cameo_parts", "find_agents", "resolve_cameo"]

# CAMEO codes of transnational actors with no state: intergovernmental, non-governmental, militant, business.
_STATELESS = frozenset({"IGO", "NGO", "IMG", "MNC", "UIS", "NGM"})
# What may stand between a state mention and its role noun: "Georgian demonstrators", "Iraq's security adviser".
_JOIN = re.compile(r"(?:'s)?(?:\s+[\w-]+){0,2}\s+")
_MAX_JOIN = 64  # characters: a longer stretch is not two words, and is not searched


@functools.lru_cache(maxsize=256)
def _role_pattern(nouns: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
                      + r")(?!\w)", re.I)


def cameo_parts(dictionary: ActorDictionary, code: str) -> tuple[str | None, list[str]] | None:
    """Split a CAMEO actor code with role codes into its actor and roles.

    Parameters
    ----------
    dictionary : ActorDictionary
        Gives the states, the blocs' CAMEO IGO codes and the known role codes.
    code : str
        E.g. ``"GEOOPP"`` (Georgian opposition), ``"USAGOVMIL"``, ``"---LEG"`` (a legislature of no
        stated country), ``"IGOUNOMIL"`` (UN troops).

    Returns
    -------
    (str or None, list of str) or None
        The dictionary code of the state or bloc (None for ``---`` and other stateless prefixes) and the
        three-letter role codes that follow; None when ``code`` is not a CAMEO code with a known role.
    """
    raw = code.strip()
    if not re.fullmatch(r"(?:---|[A-Z]{3})(?:[A-Z]{3})+", raw):
        return None
    actor, rest = next(((c, raw[len(p):]) for p, c in dictionary.cameo_prefixes if raw.startswith(p)), (None, None))
    if actor is None:
        head = raw[:3]
        if head == "---" or head in _STATELESS:  # no state: the roles say who they are
            rest = raw[3:]
        elif head in dictionary.actors:
            actor, rest = head, raw[3:]
        else:
            return None
    roles = [rest[i:i + 3] for i in range(0, len(rest), 3)]
    return (actor, roles) if any(r in dictionary.cameo_roles for r in roles) else None


def find_agents(dictionary: ActorDictionary, text: str, roles: list[str], code: str) -> list[Mention]:
    """Mentions of the nouns that stand for CAMEO roles ("troops" for MIL, "court" for JUD).

    Parameters
    ----------
    dictionary : ActorDictionary
    text : str
        Cleaned text.
    roles : list of str
        CAMEO role codes, as from :func:`cameo_parts`.
    code : str
        The code the mentions carry.

    Returns
    -------
    list of Mention
        In text order, non-overlapping.
    """
    found = sorted((m.start(), m.end()) for r in roles if r in dictionary.cameo_roles
                   for m in _role_pattern(tuple(dictionary.cameo_roles[r])).finditer(text))
    out, last = [], -1
    for start, end in found:
        if start >= last:
            out.append(Mention(code, start, end, text[start:end], "agent"))
            last = end
    return out


def resolve_cameo(text: str, mentions: list[Mention], dictionary: ActorDictionary, query: str,
                  code: str | None, roles: list[str]) -> tuple[str, str, list[Mention]]:
    """Find a CAMEO sub-actor in a cleaned text.

    Its mentions are the nouns of its roles, joined to a mention of its state just before them
    ("Georgian demonstrators"); a government (GOV) is also found by its leaders in office; a group of
    ``groups.json`` whose ``cameo_generic`` is the code counts too ("Hezbollah" for ``LBNREB``); with no
    role noun in the text, the state's own mentions stand for it.

    Parameters
    ----------
    text : str
        Cleaned text.
    mentions : list of Mention
        The dictionary's mentions in ``text``.
    dictionary : ActorDictionary
    query : str
        The CAMEO code asked for; every mention carries it as its code.
    code, roles
        From :func:`cameo_parts`.

    Returns
    -------
    name : str
        E.g. ``"Georgia (OPP)"``.
    kind : str
        The state's or bloc's kind, or ``"literal"`` for a stateless code.
    mentions : list of Mention
    """
    state = [m for m in mentions if m.code == code and m.role == "actor"] if code else []
    ends = [m.end for m in state]  # ascending: the mentions do not overlap
    joined = []
    for a in find_agents(dictionary, text, roles, query):
        before = None
        for k in range(bisect.bisect_right(ends, a.start) - 1, -1, -1):  # the nearest state mention first
            if a.start - state[k].end > _MAX_JOIN:
                break
            if _JOIN.fullmatch(text, state[k].end, a.start):
                before = state[k]
                break
        joined.append(Mention(query, before.start, a.end, text[before.start:a.end], "agent") if before else a)
    if "GOV" in roles:
        joined.sort(key=lambda m: m.start)
        joined += [Mention(query, m.start, m.end, m.text, m.via)
                   for m in without_overlaps([m for m in state if m.via == "leader"], joined)]
    # non-state groups that CAMEO coders give this state-and-role code ("LBNREB" for Hezbollah)
    joined.sort(key=lambda m: m.start)
    groups = [m for m in mentions
              if m.role == "actor" and dictionary.groups.get(m.code, {}).get("cameo_generic") == query]
    joined += [Mention(query, m.start, m.end, m.text, m.via) for m in without_overlaps(groups, joined)]
    if not joined:
        joined = [Mention(query, m.start, m.end, m.text, m.via) for m in state]
    actor = dictionary.actors.get(code) if code else None
    name = f"{actor.name if actor else 'unknown'} ({'/'.join(roles)})"
    return name, actor.kind if actor else "literal", sorted(joined, key=lambda m: m.start)
