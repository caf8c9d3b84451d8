"""Mention roles: whether a mention of a state is the state acting, or a place, a name part, a team or a
nationality.

Not every mention of a state is the state acting. Rules over a bounded window of the sentence around each
mention (at most ``WINDOW`` characters before and after it) set :attr:`training.actors.Mention.role`:

``location``
    A place used as a venue or an address: "a regional summit in Uzbekistan", "talks held in Doha", "based
    in Qatar", "an expert at the American University in Washington", "a Doha-based channel". A capital
    after "to" or "visit" stays an actor ("Xi flew to Moscow"): in CAMEO a visit makes the host a party
    (042/043). :func:`training.places.place_role` adds the annotation guide's constructions: "met in
    Qatar", "strikes in northern Syria", "arrived in", "a port in eastern China", "Iraq's Anbar desert",
    "imports from China", "in Brussels", "the Iranian-flagged ship" (and the name of a relationship or
    war, "the U.S.-China relationship", as ``name_part``). Datelines never reach the rules:
    :func:`training.text.clean_text` blanks them.
``name_part``
    Part of an institution's or a thing's name: "the American University", "the Russian Orthodox
    Church", "Turkish Airlines", "Saudi Aramco", "Air France", "the Bank of England". Fixed phrases
    ("Chinese New Year", "Indian Ocean") are dropped earlier by ``data/actors/stoplist.json``.
``sports``
    A national team: "Georgia beat Armenia 2-1 in a World Cup qualifier" (a sports word *and* a result, a
    score or a verb such as "beat", in the sentence), "France's national team", "Brazilian footballers".
    "The US boycotted the Beijing Olympics" has no result, so the US acts.
``nationality``
    A demonym describing a person rather than the state: "a Russian tourist", "two Chinese students",
    "a British-born writer", "an Iranian-American journalist". Role nouns of state office keep the
    state acting: "the Russian foreign minister", "Chinese officials", "the Iranian army".

Leaders and non-state groups always act. Each mention costs one bounded regex match per rule, so a text
costs time linear in its length. A mention whose role is not ``"actor"`` is never the source or target of
a candidate example (:mod:`training.examples`), but it stays in ``Document.mentions`` with its role, so the
service reports it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from training.actors import ActorDictionary, Mention
from training.places import place_role
from training.sentences import Sentence

__all__ = ["ROLES", "WINDOW", "assign_roles", "sports_sentence"]

ROLES = ("actor", "location", "name_part", "sports", "nationality")
WINDOW = 80  # characters looked at on each side of a mention, never beyond its sentence

_ALT = "|".join
# -- location: what stands just before a place used as a venue or an address ---------------------------
# Talks may be held with the host ("mediated talks in Tbilisi"): only talks "held" or "hosted" somewhere.
_EVENTS = _ALT(["summit", "summits", "meeting", "meetings", "conference", "conferences", "forum", "gathering",
                "ceremony", "session", "convention", "rally", "expo", "exhibition", "festival", "fair", "event",
                "games", "congress", "assembly", "match", "qualifier", "final", "game", "tournament",
                "quarter-final", "quarter-finals", "semi-final", "semi-finals"])
_TALKS = r"\b(?:talks|negotiations|dialogue),?(?:\s+(?:was|were|is|are|being|to\s+be|will\s+be))?\s+" \
         r"(?:held|hosted|taking\s+place|convened|staged)(?:\s+(?:on|last|next|this|early|late)\s+\w+)?\s+in"
_HELD = r",?(?:\s+(?:was|were|is|are|being|to\s+be|will\s+be))?(?:\s+(?:held|hosted|taking\s+place|convened|" \
        r"opened|opening|scheduled|due|organi[sz]ed|staged))?(?:\s+(?:on|last|next|this|early|late)\s+\w+)?"
_PLACES = _ALT(["University", "College", "Institute", "Institution", "School", "Academy", "Center", "Centre",
                "Foundation", "Museum", "Hospital", "Library", "university", "institute", "think tank",
                "office", "offices", "bureau", "headquarters", "campus", "hotel", "airport", "stadium", "plant",
                "factory", "factories", "mine", "refinery", "correspondent", "correspondents", "reporter",
                "bureau chief"])
_CITY = r"(?-i:[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)?),\s+"  # "in Samarkand, Uzbekistan"
_LOCATION_BEFORE = re.compile(
    r"(?:\b(?:" + _EVENTS + r")" + _HELD + r"\s+(?:in|at)"
    r"|" + _TALKS +
    r"|\b(?:based|headquartered|located|registered|incorporated)\s+in"
    r"|\b(?:who|and|now|he|she|still|currently)\s+lives\s+in"  # not "saved 130 lives in Haiti"
    r"|\b(?:born|raised|lived|living|resident|residing|studied|studying|educated|grew\s+up|settled)\s+in"
    r"|\b(?:emigrated|moved|relocated)\s+to"
    r"|\b(?:" + _PLACES + r")(?:\s+of\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})?\s+in"
    r"|\breporting\s+from|\bholidays?\s+in|\bvacation\s+in)"
    r"\s+(?:the\s+)?(" + _CITY + r")?$", re.I)
# "a summit in Samarkand, Uzbekistan, on Friday", but not "at a conference in Vienna, Iran accused ...":
# after a city, the place ends its phrase.
_PHRASE_ENDS = re.compile(r"^(?:\s*[,.;:)!?]|\s*$|\s+(?:on|last|this|next|where|which|that|to|for|and|in)\b)")
_LOCATION_AFTER = re.compile(r"^-based\b")

# -- name_part: the mention inside an institution's, a company's or a thing's name -----------------------
_INSTITUTIONS = _ALT(["University", "College", "Institute", "Academy", "School", "Museum", "Library",
                      "Airlines", "Airways", "Air Lines", "Railways", "Orthodox", "Church", "Open", "Grand Prix",
                      "Red Cross", "Red Crescent", "Stock Exchange", "Times", "Post", "Herald", "Tribune",
                      "Telegraph", "Journal", "Gazette", "Ocean", "Sea", "Peninsula", "Strait", "Straits",
                      "Airport", "Aramco", "Telecom", "Petroleum", "Corporation", "Motors", "Broadcasting",
                      "Premier League", "Super League", "Grand Slam", "Cup", "Football Association",
                      "Chamber of Commerce"])
# ... unless the words between name an organ of the state ("the Nigeria Army's School of Infantry")
_ORGANS = r"(?:Army|Navy|Air|Armed|Ministry|Government|Defen[cs]e|Foreign|Military|Police|Coast)\b"
_NAME_AFTER = re.compile(r"^(?:\s+(?!" + _ORGANS + r")[A-Z][\w'-]*){0,2}?\s+(?:" + _INSTITUTIONS + r")\b")
_NAME_BEFORE = re.compile(r"(?:\b(?:University|College|Institute|Museum|Bank|Voice|Gulf|Sea|Bay|Port)\s+of\s+"
                          r"(?:the\s+)?|\bTimes\s+of\s+|\bAir\s+)$")

# -- sports --------------------------------------------------------------------------------------------
_SPORT_WORDS = re.compile(
    r"\b(?:football|soccer|footballers?|World\s+Cup|qualifiers?|Olympics?|Olympiad|Paralympics?|tournament|"
    r"championships?|Euro\s+20\d\d|Copa\s+Am[eé]rica|Africa\s+Cup\s+of\s+Nations|Asian\s+Cup|Gold\s+Cup|"
    r"Six\s+Nations|Davis\s+Cup|rugby|cricket|basketball|volleyball|handball|hockey|tennis|Test\s+match|"
    r"semi-?finals?|quarter-?finals?|group\s+stage|striker|midfielder|"
    r"goalkeeper|stadium|kick-off|innings|wickets?|medals?|FIFA|UEFA|friendly\s+match)\b")
_RESULT = re.compile(
    r"\b\d{1,3}\s?-\s?\d{1,3}\b|\b(?:beat|beats|beaten|beating|defeated|defeats|drew|draws|thrashed|edged|routed|"
    r"lost\s+to|loses\s+to|won|wins|knocked\s+out|eliminated|qualified|clinched|scored|equali[sz]er|"
    r"victory\s+over|win\s+over|defeat\s+to|draw\s+with|draw\s+against)\b")
_TEAM_NOUNS = r"(?:national\s+|Olympic\s+)?(?:(?:football|soccer|rugby|cricket|basketball|volleyball|hockey|" \
              r"tennis|Davis\s+Cup|Olympic|marathon)\s+)?(?:team|teams|squad|footballers?|athletes?|" \
              r"players?|striker|goalkeeper|skaters?|swimmers?|gymnasts?|sprinters?|runners?|cyclists?|" \
              r"boxers?|wrestlers?|golfers?|cricketers?|fans)\b"
_TEAM_AFTER = re.compile(r"^(?:'s)?\s+" + _TEAM_NOUNS)
_NATIONAL_TEAM_AFTER = re.compile(r"^(?:'s)?\s+(?:national|Olympic)\s+(?:\w+\s+)?(?:team|side|squad)\b")

# -- nationality: a demonym describing a person ---------------------------------------------------------
# One person ("a Russian tourist", "the British-born writer") is a nationality; a bare plural is a group of
# the state's people that may be acting or acted on ("Iranian students demonstrated", "Venezuelan migrants
# were granted status") and stays an actor, unless counted ("two Chinese students").
_PERSON = _ALT(["tourist", "student", "writer", "author", "novelist", "poet", "artist", "singer", "actress",
                "musician", "filmmaker", "businessman", "businesswoman", "entrepreneur", "tycoon", "billionaire",
                "worker", "engineer", "doctor", "nurse", "scientist", "researcher", "professor", "scholar",
                "academic", "journalist", "reporter", "blogger", "photographer", "climber", "man", "woman", "boy",
                "girl", "child", "teenager", "couple", "family", "passenger", "traveller", "traveler", "visitor",
                "holidaymaker", "hiker", "backpacker", "fisherman", "priest", "nun", "monk", "chef",
                "maid", "housemaid", "nanny", "grandmother", "grandfather", "mother", "father", "wife", "husband",
                "son", "daughter", "heiress",
                "influencer", "YouTuber", "citizen", "resident"])
_PEOPLE = _ALT(["tourists", "students", "writers", "authors", "artists", "singers", "musicians", "businessmen",
                "entrepreneurs", "billionaires", "workers", "engineers", "doctors", "nurses", "scientists",
                "researchers", "professors", "scholars", "academics", "journalists", "reporters", "bloggers",
                "climbers", "men", "women", "boys", "girls", "children", "teenagers", "passengers", "travellers",
                "travelers", "visitors", "holidaymakers", "hikers", "backpackers", "fishermen", "priests",
                "nationals", "citizens"])
_ATTRIBUTES = _ALT(["speakers", "language", "descent", "origin", "ancestry", "heritage", "nationality",
                    "passport", "passports", "citizenship"])
_NATIONALITY_AFTER = re.compile(
    r"^(?:-(?:born|raised|educated|speaking)\b|-[A-Z]\w*(?:\s+[a-z][\w-]*)?\s+(?:" + _PERSON + r")\b"
    r"|(?:\s+[a-z][\w-]*)?\s+(?:" + _PERSON + "|" + _ATTRIBUTES + r")\b)")
_COUNTED_AFTER = re.compile(r"^(?:-[A-Z]\w*)?(?:\s+[a-z][\w-]*)?\s+(?:" + _PEOPLE + r")\b")
_COUNT_BEFORE = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d[\d,]*|several|"
                           r"dozens\s+of|hundreds\s+of|a\s+few|a\s+group\s+of|a\s+couple\s+of)\s+$", re.I)
# Role nouns of state office ("the Russian foreign minister", "Chinese state media"): the state acts.
_STATE_NOUNS = re.compile(
    r"^(?:'s)?\s+(?:(?:foreign|defen[cs]e|state|prime|deputy|interior|finance|trade|security|armed|air|naval|"
    r"military|special)\s+)?(?:government|officials?|ministers?|ministry|president|premier|leaders?|"
    r"authorities|army|forces|troops|navy|military|diplomats?|envoys?|ambassador|embassy|delegation|"
    r"spokes(?:man|woman|person)|media|police|parliament|lawmakers|regime|administration|intelligence|"
    r"counterpart)\b")


# Words one of which must occur for a regex to have a chance: set lookups spare most regex searches.
_PUNCT = ",.;:!?\"'()"
_SPORT_TOKENS = frozenset(
    "football soccer footballer footballers cup qualifier qualifiers olympics olympic olympiad paralympics "
    "paralympic tournament championship championships euro copa nations rugby cricket basketball volleyball "
    "handball hockey tennis test semi-final semi-finals semifinal semifinals quarter-final quarter-finals "
    "quarterfinal quarterfinals group striker midfielder goalkeeper stadium kick-off innings wicket wickets "
    "medal medals fifa uefa friendly".split())
_VENUE_TOKENS = frozenset(
    "summit summits meeting meetings conference conferences forum gathering ceremony session convention rally "
    "expo exhibition festival fair event games congress assembly match qualifier final game tournament "
    "quarter-final quarter-finals semi-final semi-finals talks negotiations dialogue based headquartered "
    "located registered incorporated lives born raised lived living resident residing studied studying "
    "educated grew settled emigrated moved relocated university college institute institution school academy "
    "center centre foundation museum hospital library tank office offices bureau headquarters campus hotel "
    "airport stadium plant factory factories mine refinery correspondent correspondents reporter chief "
    "reporting holiday holidays vacation".split())


def _tokens(text: str) -> set[str]:
    return {w.strip(_PUNCT) for w in text.lower().split()}


def sports_sentence(text: str) -> bool:
    """Whether a sentence reports a sports result: a sports word and a score or result verb.

    Parameters
    ----------
    text : str

    Returns
    -------
    bool
    """
    if _SPORT_TOKENS.isdisjoint(_tokens(text)):
        return False
    return bool(_SPORT_WORDS.search(text)) and bool(_RESULT.search(text))


# The word just before a mention that the before-rules can end with: a cheap test that spares the
# regexes on most mentions (they end with a preposition, "the", "Air" or a city and its comma).
_LEADS = frozenset({"in", "at", "to", "from", "of", "the", "air"})


def _lead(before: str) -> bool:
    tail = before.rstrip()
    return tail.endswith(",") or tail[tail.rfind(" ") + 1:].lower() in _LEADS


def _role(m: Mention, kind: str, before: str, after: str, sports: bool) -> str:
    if m.via in ("leader", "literal", "agent") or kind not in ("state", "bloc"):
        return "actor"
    lead = _lead(before)
    if _NAME_AFTER.match(after) or (lead and _NAME_BEFORE.search(before)):
        return "name_part"
    place = place_role(m.via, kind, before, after)
    if place:
        return place
    if m.via != "demonym":
        venue = _LOCATION_BEFORE.search(before) if lead and not _VENUE_TOKENS.isdisjoint(_tokens(before)) else None
        if (venue and (not venue.group(1) or _PHRASE_ENDS.match(after))) or _LOCATION_AFTER.match(after):
            return "location"
    if kind == "state":
        if _NATIONAL_TEAM_AFTER.match(after) or (m.via == "demonym" and _TEAM_AFTER.match(after)):
            return "sports"
        if sports and not _STATE_NOUNS.match(after):
            return "sports"
    if m.via == "demonym":
        person = _NATIONALITY_AFTER.match(after) or (_COUNTED_AFTER.match(after) and _COUNT_BEFORE.search(before))
        return "nationality" if person and not _STATE_NOUNS.match(after) else "actor"
    return "actor"


def assign_roles(text: str, sentences: Sequence[Sentence], mentions: Sequence[Mention],
                 dictionary: ActorDictionary) -> list[Mention]:
    """Set the role of every mention of a cleaned text.

    Parameters
    ----------
    text : str
        The cleaned text the mentions and sentences index.
    sentences : sequence of Sentence
        From :func:`training.text.split_sentences`, in order.
    mentions : sequence of Mention
        From :meth:`ActorDictionary.find`, in text order.
    dictionary : ActorDictionary
        Gives each code's kind (roles apply to states and blocs; groups and leaders always act).

    Returns
    -------
    list of Mention
        The same mentions, in the same order, with ``role`` set (one of :data:`ROLES`).
    """
    out: list[Mention] = []
    k, n = 0, len(sentences)
    sports_flags: dict[int, bool] = {}
    for m in mentions:
        while k < n and sentences[k].end <= m.start:
            k += 1
        lo, hi = (sentences[k].start, sentences[k].end) if k < n and sentences[k].start <= m.start else (0, len(text))
        if k not in sports_flags:
            sports_flags[k] = k < n and sports_sentence(sentences[k].text)
        actor = dictionary.actors.get(m.code)
        before = text[max(lo, m.start - WINDOW):m.start]
        after = text[m.end:min(hi, m.end + WINDOW)]
        role = _role(m, actor.kind if actor else "literal", before, after, sports_flags[k])
        out.append(m if role == m.role else m._replace(role=role))
    return out
