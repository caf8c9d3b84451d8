"""Actor resolution: states and blocs found in text by name, demonym, metonym and dated leader.

The dictionary joins three sources, each entry keeping where its facts come from:

- state names from ``pycountry`` (ISO 3166-1) and ``country_converter`` (its ``country_data.tsv``:
  short and official names, UN membership);
- the project's additions in ``data/actors/``: ``states.json`` (short names, demonyms, capitals and seats
  of power), ``blocs.json`` (blocs and organisations with short stable codes), ``leaders.jsonl``
  (heads of state or government and foreign ministers with the dates of their terms), ``groups.json``
  (non-state actors: armed groups, militias, parties, with short stable codes) and
  ``stoplist.json`` (phrases such as "New Mexico" whose inner alias must not count).

Matching is one Aho-Corasick pass over the lower-cased text, then a word-boundary check, a case check
for aliases that are also common words ("US" is the United States, "us" is not), a date check for
leaders, and a leftmost-longest choice, so "Niger" never matches inside "Nigeria" and "South Sudan"
wins over "Sudan".
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from training.actor_sources import (
    _SPACES,
    CONGO,
    CONGO_STATES,
    Actor,
    DictionarySources,
    _Alias,
    _read_json,
    normalise_name,
)
from training.field.phoenix import DEFAULT_FIELD_DIR
from training.text import clean_text, matching_form

__all__ = ["Actor", "Mention", "ActorDictionary", "DEFAULT_ACTORS_DIR", "normalise_name",
           "without_overlaps"]

DEFAULT_ACTORS_DIR = Path(__file__).resolve().parent.parent / "data" / "actors"


class Mention(NamedTuple):
    """An actor mention in a cleaned text: ``text[start:end]`` is the matched string."""

    code: str
    start: int
    end: int
    text: str
    via: str  # name, demonym, metonym, leader, literal
    role: str = "actor"  # "actor" (the actor acting), or why it is not: "location", "name_part", ...


class ActorDictionary(DictionarySources):
    """The project's actor dictionary and matcher.

    Parameters
    ----------
    actors_dir : path-like, default=``data/actors``
        Folder holding ``states.json``, ``blocs.json``, ``groups.json`` (optional), ``leaders.jsonl`` and
        ``leaders_2018.jsonl`` (optional), ``stoplist.json``, ``code_aliases.json`` (optional: other
        codes of the project's actors, such as the annotation guide's ``ARABLEAGUE``) and
        ``cameo_agents.json`` (CAMEO role nouns, used by :mod:`training.cameo`).
    field_dir : path-like or None, default=``data/field``
        The Phoenix dictionaries merged after the project's entries (:mod:`training.actor_field`); None
        leaves them out. What was merged is counted in ``field_counts``.

    Raises
    ------
    FileNotFoundError
        If ``actors_dir`` or one of its required files is missing.
    ValueError
        If a file is malformed; the message names the file and line.
    """

    def __init__(self, actors_dir: str | Path = DEFAULT_ACTORS_DIR, *,
                 field_dir: str | Path | None = DEFAULT_FIELD_DIR):
        self.actors_dir = Path(actors_dir)
        self.actors: dict[str, Actor] = {}
        self.cameo: dict[str, str] = {}
        self.groups: dict[str, dict] = {}  # code -> the groups.json entry (states, uncertain, ...)
        aliases: list[_Alias] = []
        self._load_states(aliases)
        self._load_blocs(aliases)
        self._load_groups(aliases)
        self._load_leaders(aliases)
        agents = self.actors_dir / "cameo_agents.json"
        self.cameo_roles: dict[str, list[str]] = _read_json(agents).get("roles", {}) if agents.exists() else {}
        stop = self.actors_dir / "stoplist.json"
        for phrase in _read_json(stop).get("phrases", []) if stop.exists() else []:
            aliases.append(_Alias(phrase, "", "stop", False))
        self.field_counts: dict[str, int] = self._load_field(aliases, Path(field_dir)) if field_dir else {}
        codes = self.actors_dir / "code_aliases.json"
        # codes of actors this folder lacks (a folder without groups.json) are left out
        self.code_aliases: dict[str, str] = {k: v for k, v in (_read_json(codes).get("codes", {}) if codes.exists()
                                                               else {}).items() if v in self.actors}
        # CAMEO IGO codes, longest first, so that "IGOUNOIMF" is the IMF and not the UN
        self.cameo_prefixes = sorted(self.cameo.items(), key=lambda kv: -len(kv[0]))
        self._lookup: dict[str, list[_Alias]] = {}
        self._automaton = ahocorasick.Automaton()
        for alias in aliases:
            key = alias.key or normalise_name(alias.text)
            if not key:
                continue
            self._lookup.setdefault(key, []).append(alias)
        for key, items in self._lookup.items():
            self._automaton.add_word(key, (len(key), tuple(items)))
        self._automaton.make_automaton()

    # -- lookup --------------------------------------------------------------------------------
    def resolve(self, name: str, *, date: dt.date | None = None) -> Actor | None:
        """Resolve a name or code to an actor of the dictionary.

        Parameters
        ----------
        name : str
            A code ("CHN", "EU"), a CAMEO actor code ("USAGOV", "IGOUNO"), a name, demonym, metonym or
            leader ("China", "Chinese", "Beijing", "Xi Jinping"). Case and padding do not matter.
        date : datetime.date, optional
            For leaders: the date at which they must be in office. Without it, any of their terms.

        Returns
        -------
        Actor or None
            None when the name is not in the dictionary (callers then match it literally).
        """
        raw = matching_form(name)[0].strip()
        upper = raw.upper()
        if upper in self.actors and (raw.isupper() or len(raw) > 3):
            return self.actors[upper]
        if upper in self.code_aliases and (raw.isupper() or len(raw) > 3):
            return self.actors[self.code_aliases[upper]]
        for prefix, code in self.cameo_prefixes:
            if upper.startswith(prefix):
                return self.actors[code]
        if re.fullmatch(r"[A-Z]{3}[A-Z]{3,}", raw) and raw[:3] in self.actors:
            return self.actors[raw[:3]]
        items = self._lookup.get(normalise_name(raw), [])
        for alias in items:
            if alias.code and (date is None or alias.valid_on(date)):
                return self.actors[CONGO_STATES[0] if alias.code == CONGO else alias.code]
        return None

    def find(self, text: str, *, date: dt.date | None = None) -> list[Mention]:
        """Find every dictionary actor mentioned in a cleaned text.

        Parameters
        ----------
        text : str
            Text passed through :func:`training.text.clean_text`.
        date : datetime.date, optional
            The article's date, for leaders' terms; today when omitted.

        Returns
        -------
        list of Mention
            Non-overlapping, leftmost-longest, in text order; offsets index ``text``. Names are matched
            in :func:`training.text.matching_form` of the text, so fullwidth letters and format
            characters inside a name do not hide it; a mention's ``text`` is the span as written.
        """
        day = date or dt.date.today()
        form, index = matching_form(text)
        lower = form.lower()
        if len(lower) != len(form):  # a few characters change length when lower-cased
            lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in form)
        found: list[Mention] = []
        for end_idx, (length, items) in self._automaton.iter(lower):
            start, end = end_idx - length + 1, end_idx + 1
            if (start > 0 and (lower[start - 1].isalnum() or lower[start - 1] == "_")) or (
                end < len(lower) and (lower[end].isalnum() or lower[end] == "_")
            ):
                continue
            surface = form[start:end]
            if index is not None:
                start, end = index[start], index[end - 1] + 1
            for alias in items:
                if alias.case_sensitive and surface != alias.text:
                    continue
                if alias.via == "leader" and not alias.valid_on(day):
                    continue
                found.append(Mention(alias.code, start, end, text[start:end], alias.via))
                break
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        out: list[Mention] = []
        last_end = -1
        for m in found:
            if m.start >= last_end:
                out.append(m)
                last_end = m.end
        out = [m for m in out if m.code]  # stoplist phrases win their span, then drop out
        if any(m.code == CONGO for m in out):  # the Congo the text's other mentions name, else DR Congo
            cod, cog = (sum(m.code == c for m in out) for c in CONGO_STATES)
            pick = CONGO_STATES[1] if cog > cod else CONGO_STATES[0]
            out = [m._replace(code=pick) if m.code == CONGO else m for m in out]
        return out

    def find_literal(self, text: str, name: str) -> list[Mention]:
        """Find a name that is not in the dictionary literally (case-insensitive, word-bounded, any
        spacing around punctuation).

        Parameters
        ----------
        text : str
            Cleaned text.
        name : str
            The literal name; it becomes the mention's ``code``.

        Returns
        -------
        list of Mention
            Offsets index ``text``; matched in :func:`training.text.matching_form` of both.
        """
        key = _SPACES.sub(" ", clean_text(matching_form(name)[0], strip_dateline=False)).strip()
        parts = re.findall(r"\w+|[^\w\s]", key)
        if not parts:
            return []
        # spacing around punctuation may differ between a name and the text ("EU ' s" / "EU's")
        body = re.escape(parts[0])
        for prev, part in zip(parts, parts[1:]):
            gap = r"\s+" if prev[-1].isalnum() and part[0].isalnum() else r"\s*"
            body += gap + re.escape(part)
        pattern = re.compile(r"(?<!\w)" + body + r"(?!\w)", re.I)
        form, index = matching_form(text)
        if index is None:
            return [Mention(key, m.start(), m.end(), m.group(0), "literal") for m in pattern.finditer(text)]
        spans = [(index[m.start()], index[m.end() - 1] + 1) for m in pattern.finditer(form)]
        return [Mention(key, start, end, text[start:end], "literal") for start, end in spans]


def without_overlaps(mentions: list[Mention], against: list[Mention]) -> list[Mention]:
    """The mentions that overlap none of ``against``, in their order.

    Parameters
    ----------
    mentions, against : list of Mention
        ``against`` in order of ``start`` (they may overlap one another).

    Returns
    -------
    list of Mention
        In O((n + m) log m) time: a bisect on the starts and the running maximum of the ends.
    """
    if not mentions or not against:
        return list(mentions)
    starts = [o.start for o in against]
    reach, top = [], -1  # reach[k]: the largest end among against[:k + 1]
    for o in against:
        top = max(top, o.end)
        reach.append(top)
    out = []
    for m in mentions:
        k = bisect.bisect_left(starts, m.end)  # against[:k] start before m ends
        if k == 0 or reach[k - 1] <= m.start:
            out.append(m)
    return out


@functools.lru_cache(maxsize=4)
def _cached(path: str) -> ActorDictionary:
    return ActorDictionary(path)


def default_dictionary(actors_dir: str | Path = DEFAULT_ACTORS_DIR) -> ActorDictionary:
    """The dictionary built from ``actors_dir``, built once per process and shared."""
    return _cached(str(Path(actors_dir).resolve()))
