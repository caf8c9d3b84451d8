"""The actor dictionary's sources: reading states, blocs, groups and leaders into actors and aliases.

States come from ``pycountry`` (ISO 3166-1) and ``country_converter`` (its ``country_data.tsv``: short and
official names, UN membership); the project's additions from ``data/actors/``. Each alias keeps how it
names its actor (name, demonym, metonym, leader) and, for leaders, the dates of the term.
:class:`training.actors.ActorDictionary` loads them with :class:`DictionarySources` and matches them.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pycountry

from training.text import clean_text

__all__ = ["Actor", "DictionarySources", "EXTRA_STATES"]


EXTRA_STATES = ("TWN", "XKX", "PSE", "VAT")  # not UN members, but actors in the news
# Aliases whose lower-case form is ordinary English ("us", "who", "western") or names something else
# ("icc") match only with their own case: "US" and "Western" count, "us" and "western Syria" do not.
_CASED = frozenset("us who au is it in an as at am ad me no to so oh hi west western quad union icc".split()) | {
    "the west", "the quad", "the union", "the alliance", "the council", "the commission"
}
_GENERIC_AFTER_THE = frozenset({"west", "union", "alliance", "quad", "council", "commission", "gulf"})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Actor:
    """A state, bloc or literal entity.

    Attributes
    ----------
    code : str
        ISO 3166-1 alpha-3 for states, a short stable code for blocs ("EU", "NATO"), or the name itself
        for a literal actor not in the dictionary.
    name : str
        Display name.
    kind : {"state", "bloc", "group", "literal"}
        ``group``: a non-state actor (armed group, militia, party).
    source : str
        Where the entry's facts come from.
    """

    code: str
    name: str
    kind: str
    source: str = ""


@dataclass(frozen=True)
class _Alias:
    text: str
    code: str
    via: str
    case_sensitive: bool
    start: dt.date | None = None
    end: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _coco_rows() -> list[dict[str, str]]:
    spec = importlib.util.find_spec("country_converter")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("country_converter is not installed; install the project with `pip install -e .`")
    tsv = Path(next(iter(spec.submodule_search_locations))) / "country_data.tsv"
    with tsv.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from None


def _date(value: str | None, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: invalid date {value!r}, expected YYYY-MM-DD") from None


class DictionarySources:
    """The loading half of :class:`training.actors.ActorDictionary`: fills ``actors``, ``cameo`` and
    ``groups`` from ``actors_dir`` and appends each entry's aliases to the list it is given."""

    actors_dir: Path
    actors: dict[str, Actor]
    cameo: dict[str, str]
    groups: dict[str, dict]

    # -- loading -------------------------------------------------------------------------------
    def _add(self, aliases: list[_Alias], text: str, code: str, via: str, start=None, end=None) -> None:
        text = _SPACES.sub(" ", clean_text(text, strip_dateline=False)).strip()
        if not text:
            return
        lower = text.casefold()
        case_sensitive = lower in _CASED
        aliases.append(_Alias(text, code, via, case_sensitive, start, end))
        if lower.startswith("the ") and lower[4:] not in _GENERIC_AFTER_THE and via != "leader":
            aliases.append(_Alias(text[4:], code, via, False, start, end))

    def _load_states(self, aliases: list[_Alias]) -> None:
        path = self.actors_dir / "states.json"
        extra = _read_json(path)
        coco = {row["ISO3"]: row for row in _coco_rows()}
        wanted = sorted({c for c, row in coco.items() if row.get("UNmember", "").strip()} | set(EXTRA_STATES))
        for code in wanted:
            row = coco.get(code, {})
            country = pycountry.countries.get(alpha_3=code)
            name = row.get("name_short") or getattr(country, "common_name", None) or getattr(country, "name", code)
            add = extra.get(code, {})
            self.actors[code] = Actor(
                code, name, "state",
                "names: pycountry (ISO 3166-1), country_converter country_data.tsv; " + add.get("source", ""),
            )
            names = {row.get("name_short", ""), row.get("name_official", "")}
            if country is not None:
                names |= {getattr(country, k, "") for k in ("name", "official_name", "common_name")}
            for n in sorted(n for n in names | set(add.get("names", [])) if n and ", " not in n):
                self._add(aliases, n, code, "name")
            for n in add.get("demonyms", []):
                self._add(aliases, n, code, "demonym")
            for n in add.get("metonyms", []):
                self._add(aliases, n, code, "metonym")

    def _load_blocs(self, aliases: list[_Alias]) -> None:
        for code, entry in sorted(_read_json(self.actors_dir / "blocs.json").items()):
            self.actors[code] = Actor(code, entry.get("name", code), "bloc", entry.get("source", ""))
            for n in [entry.get("name", "")] + entry.get("names", []):
                self._add(aliases, n, code, "name")
            for n in entry.get("demonyms", []):
                self._add(aliases, n, code, "demonym")
            for n in entry.get("metonyms", []):
                self._add(aliases, n, code, "metonym")
            for c in entry.get("cameo", []):
                self.cameo[c] = code

    def _load_groups(self, aliases: list[_Alias]) -> None:
        """Non-state actors of ``groups.json`` (kind ``group``); see ``data/actors/CARD.md`` for the codes."""
        path = self.actors_dir / "groups.json"
        if not path.exists():
            return
        groups = _read_json(path).get("groups", {})
        for code, entry in groups.items():
            where = f"{path}: group {code!r}"
            if not re.fullmatch(r"[A-Z][A-Z0-9]{1,11}", code):
                raise ValueError(f"{where}: a group code is 2-12 upper-case letters or digits")
            if code in self.actors:
                raise ValueError(f"{where}: code already used by {self.actors[code].kind} {self.actors[code].name!r}")
            if not isinstance(entry, dict) or not entry.get("names") or not str(entry.get("source", "")).strip():
                raise ValueError(f"{where}: needs 'names' (a non-empty list) and a 'source'")
            for state in entry.get("states", []):
                if state not in self.actors and pycountry.countries.get(alpha_3=state) is None:
                    raise ValueError(f"{where}: unknown state code {state!r} in 'states'")
            self.actors[code] = Actor(code, entry.get("name", code), "group", entry["source"])
            self.groups[code] = entry
            for n in [entry.get("name", "")] + entry["names"]:
                self._add(aliases, n, code, "name")
            for n in entry.get("cased", []):  # acronyms: "ISIS" and "Isis" count, "isis" does not
                aliases.append(_Alias(n, code, "name", True))
            for c in entry.get("cameo", []):
                self.cameo[c] = code

    def _load_leaders(self, aliases: list[_Alias]) -> None:
        path = self.actors_dir / "leaders.jsonl"
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    where = f"{path}:{lineno}"
                    try:
                        row = json.loads(line)
                        code, name = row["code"], row["name"]
                    except (json.JSONDecodeError, KeyError, TypeError) as exc:
                        raise ValueError(f"{where}: bad leader entry ({exc})") from None
                    if code not in self.actors:
                        raise ValueError(f"{where}: unknown actor code {code!r}")
                    start, end = _date(row.get("start"), where), _date(row.get("end"), where)
                    for n in [name] + list(row.get("aliases", [])):
                        self._add(aliases, n, code, "leader", start, end)
