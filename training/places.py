"""Places are not actors: the venue, location and topic constructions of ``ANNOTATION_GUIDE.md``.

:func:`place_role` complements the venue rules of :mod:`training.roles` ("a summit in X", "based in X")
with the constructions the annotation guide decides on real copy:

- **a meeting or an arrival somewhere**: "met in Qatar", "talks in Doha", "arrived in Beijing", "landed in",
  "gathered in Cairo", "docked at";
- **a place of events**: "strikes in northern Syria", "fighting in", "a bomb in Madrid", "elections in"
  (not "the war in" or "the offensive in": the war's target may be the place);
- **a part of a country**: "northern Syria", "eastern China", "the south of Lebanon"; "Iraq's Anbar desert",
  "southern China's Zhuhai Gaolan port", "Somalia's border"; "Iraqi waters", "Chinese territory";
- **origin of goods and travel**: "imports from China", "a cargo from China", "sailed from China",
  "fled from Syria";
- **a seat of power named as a place**: "in Brussels", "in Moscow" (a capital or seat used as a metonym,
  after "in" or "at"; not "the embassy in Moscow", "talks in Tbilisi" or "met ... in Beijing");
- **ships and things of a state**: "the Iranian-flagged cargo ship", "a Turkish-owned ship", "the Iranian
  vessel" (ships are not actors; a named state force in them is: "Chinese coast guard ships" stays acting);
- **the name of a relationship, war or deal**: "the U.S.-China relationship", "a U.S.-Russian
  rapprochement", "the Russia-Ukraine war" (role ``name_part``).

Each rule is one bounded regex match on the text just before or after the mention (at most
:data:`training.roles.WINDOW` characters), so the cost stays linear. Real uses stay actors: "Russia said",
"in talks with Russia", "to Moscow" and "arrived in Beijing for talks" (a visit makes the host a party),
"sanctions on Iran", "aid from China" (a giver).
"""

from __future__ import annotations

import re

__all__ = ["place_role"]

_DIRECTION = r"(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
_MEET = r"(?:met|meet|meets|meeting|gathered|gather|convened|arrived|arrives|arrive|arriving|arrival|" \
        r"stopover|stop|stops|docked|stayed|staying|held|holds|hosted|headquarters)"
_EVENT = r"(?:strikes?|air\s?strikes?|attacks?|bombings?|bomb|blasts?|explosions?|clashes|" \
         r"raids?|shelling|killings?|killed|violence|unrest|insurgency|protests?|demonstrations?|" \
         r"rall(?:y|ies)|vote|referendum|prisons?|jails?|destruction|outbreak|floods?)"
_AT_EVENT = re.compile(r"\b(?:" + _MEET + r"|" + _EVENT + r")(?:\s+(?:on|last|this|early|late)\s+\w+)?"
                       r"\s+(?:in|at|across|throughout|inside)\s+(?:the\s+)?(?:" + _DIRECTION + r"\s+)?$", re.I)
_PART_BEFORE = re.compile(r"\b(?:in|near|across|throughout|at|of)\s+(?:the\s+)?" + _DIRECTION + r"\s+$|"
                          r"\b(?:the\s+)?(?:north|south|east|west|centre|center|"
                          r"border|borders|coast|capital|heart|rest|parts?|areas?|regions?|provinces?|"
                          r"outskirts)\s+of\s+(?:the\s+)?$", re.I)
_PART_AFTER = re.compile(
    r"^(?:'s|’s)\s+(?:" + _DIRECTION + r"\s+)?(?:(?-i:[A-Z][\w'-]*)\s+){0,3}(?:desert|province|region|"
    r"port|city|town|village|island|islands|coast|coastline|border|borders|capital|territory|territories|"
    r"waters|airspace|north|south|east|west|north-?east|north-?west|south-?east|south-?west|mountains|"
    r"valley|district|state|enclave|peninsula|countryside|soil|frontier|oilfields?|heartland)\b"
    # ... ending its phrase: not "China's port proposal" or "Somalia's border raids"
    r"(?=\s*(?:[,.;:)!?]|$)|\s+(?:of|in|on|at|to|near|and|with|where|which|that|from|for|by|was|is|were|are|"
    r"has|had|said|since|after|before|until|while)\b)", re.I)
_DEMONYM_PLACE = re.compile(
    r"^(?:-(?:flagged|owned|registered|operated)\b|\s+(?:(?:cargo|container|merchant|fishing)\s+(?:ship|ships|"
    r"vessel|vessels)|tanker|tankers|freighter|freighters|city|town|village|province|region)\b)", re.I)
_ORIGIN = re.compile(
    r"\b(?:goods|products|cargo|shipments?|shipped|sailed|"
    r"journey|voyage|flights?|flew|fled|fleeing|refugees|migrants|smuggled|originat\w*|made|manufactured|"
    r"sourced|purchased|bought|ingredients?|chemicals?|perchlorate)\b[^.;:!?]{0,40}?\bfrom\s+(?:the\s+)?"
    r"(?:" + _DIRECTION + r"\s+)?$", re.I)
# "arrived in Beijing for talks", "in Moscow on a state visit": a visit makes the host a party (CAMEO 042/043)
_VISIT_AFTER = re.compile(r"^,?(?:\s+(?:on|last|this|next|early|late)\s+\w+)?,?\s+"
                          r"(?:for\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}(?:talks|visit|conference|summit|meeting|meetings)\b|"
                          r"to\s+(?:help|restore|assist|support|aid|police|keep|protect|train)|"
                          r"on\s+(?:a|an|his|her|their)\s+(?:\w+\s+)?visit)\b", re.I)
_METONYM_AT = re.compile(r"\b(?:in|at)\s+$")
# "had last seen each other in Beijing", "met on Monday in Moscow": a capital where leaders meet is the host
_MEETING_BEFORE = re.compile(r"\b(?:seen\s+each\s+other|met|meet\w*|host\w*|visit\w*)\b[^.;]{0,80}\s(?:in|at)\s+$",
                             re.I)
# "the embassy in Moscow", "mediated talks in Tbilisi": the seat stays the state (a host or a mission's host)
_MISSION_BEFORE = re.compile(r"\b(?:embassy|embassies|ambassador|envoy|mission|consulate|talks|negotiations|"
                             r"government|governments|officials|authorities|junta|council|administration|"
                             r"regime|leaders|leadership|critics|camps|responses|reactions|parade|olympics|"
                             r"games)\s+(?:in|at)\s+$", re.I)
_TOPIC_AFTER = re.compile(r"^-(?:[A-Z][\w.]*)(?:-[A-Z][\w.]*)?\s+(?:relationship|relations|ties|war|conflict|"
                          r"rapprochement|rivalry|trade|summit|border|dispute|deal|agreement|talks|alliance|"
                          r"partnership|axis)\b")
_TOPIC_BEFORE = re.compile(r"\b[A-Z][\w.]*-$")
_TOPIC_NOUN = re.compile(r"^\s+(?:relationship|relations|ties|war|conflict|rapprochement|rivalry|trade|"
                         r"dispute|border|axis)\b")


def place_role(via: str, kind: str, before: str, after: str) -> str | None:
    """The role of a state or bloc mention in a place or topic construction, or None.

    Parameters
    ----------
    via : str
        How the mention names its actor ("name", "demonym", "metonym").
    kind : str
        "state" or "bloc".
    before, after : str
        The text just before and just after the mention, within its sentence.

    Returns
    -------
    str or None
        "location", "name_part", or None when none of the constructions applies.
    """
    if _TOPIC_AFTER.match(after) or (_TOPIC_BEFORE.search(before) and _TOPIC_NOUN.match(after)):
        return "name_part"
    if via == "demonym":
        return "location" if _DEMONYM_PLACE.match(after) else None
    if _VISIT_AFTER.match(after):
        return None
    if via == "metonym" and _METONYM_AT.search(before) and not _MISSION_BEFORE.search(before) \
            and not _MEETING_BEFORE.search(before):
        return "location"  # "in Brussels": a seat of power named as a place (a state's or a bloc's)
    if kind != "state":
        return None
    if _AT_EVENT.search(before) or _PART_BEFORE.search(before) or _PART_AFTER.match(after):
        return "location"
    if _ORIGIN.search(before):
        return "location"
    return None
