"""The actor dictionary's sources: reading states, blocs, groups and leaders into actors and aliases.

States come from ``pycountry`` (ISO 3166-1) and ``country_converter`` (its ``country_data.tsv``: short and
official names, UN membership); the project's additions from ``data/actors/``. Each alias keeps how it
names its actor (name, demonym, metonym, leader) and, for leaders, the dates of the term.
:class:`training.actors.ActorDictionary` loads them with :class:`DictionarySources` and matches them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.util
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pycountry

from training.text import clean_text, matching_form

__all__ = ["Actor", "CONGO", "CONGO_STATES", "DictionarySources", "EXTRA_STATES", "LEADER_FILES", "normalise_name"]


EXTRA_STATES = ("TWN", "XKX", "PSE", "VAT")
LEADER_FILES = ("leaders.jsonl", "leaders_2018.jsonl")
FIELD_CACHE_DIR = Path(__file__).resolve().parent.parent / "data" / "processed" / "actors"
# "Congo" and "Congolese" name either Congo; :meth:`ActorDictionary.find` decides by the text's other
# mentions of the two states, and DR Congo (far more often in the news) when they do not tell.
CONGO, CONGO_STATES = "CONGO?", ("COD", "COG")  # not UN members, but actors in the news
# Aliases whose lower-case form is ordinary English ("us", "who", "western") or names something else
# ("icc") match only with their own case: "US" and "Western" count, "us" and "western Syria" do not.
_CASED = frozenset("us who au is it in an as at am ad me no to so oh hi west western quad union icc".split()) | {
    "the west", "the quad", "the union", "the alliance", "the council", "the commission"
}
_GENERIC_AFTER_THE = frozenset({"west", "union", "alliance", "quad", "council", "commission", "gulf"})
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Normalise an actor name for lookup: NFKC without format characters (see
    :func:`training.text.matching_form`), straight quotes, single spaces, trimmed, case-folded.

    Parameters
    ----------
    name : str

    Returns
    -------
    str
    """
    return _SPACES.sub(" ", clean_text(matching_form(name)[0], strip_dateline=False)).strip().casefold()


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
    key: str = ""  # the lookup key when known in advance (the cached Phoenix aliases)

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
            for n in sorted(n for n in names | set(add.get("names", []))
                            if n and ", " not in n and n.casefold() != "congo"):
                self._add(aliases, n, code, "name")
            for n in add.get("demonyms", []):
                self._add(aliases, n, code, "demonym")
            for n in add.get("metonyms", []):
                self._add(aliases, n, code, "metonym")
        aliases += [_Alias("Congo", CONGO, "name", False), _Alias("Congolese", CONGO, "demonym", False)]

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
        """Dated terms of ``leaders.jsonl`` and ``leaders_2018.jsonl`` (the project's list since 2018)."""
        for name in LEADER_FILES:
            self._load_leader_file(aliases, self.actors_dir / name)

    def _load_leader_file(self, aliases: list[_Alias], path: Path) -> None:
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

    def _load_field(self, aliases: list[_Alias], field_dir: Path) -> dict[str, int]:
        """Merge the Phoenix dictionaries of ``field_dir`` (:mod:`training.actor_field`); the project wins.

        The selection takes seconds to compute, so it is cached as JSON under ``data/processed/actors/``,
        keyed by a sha256 of everything it depends on (the Phoenix files, the project's aliases and codes,
        the code that selects); an unwritable cache folder only costs the time.
        """
        from training.actor_field import FieldEntries, field_entries

        taken = sorted({normalise_name(a.text) for a in aliases})
        prefixes = sorted(((c, b) for c, b in self.cameo.items() if self.actors[b].kind == "bloc"),
                          key=lambda kv: (-len(kv[0]), kv[0]))
        groups = sorted(c for c, a in self.actors.items() if a.kind == "group")
        digest = hashlib.sha256(json.dumps([taken, prefixes, sorted(self.actors), groups]).encode())
        for f in sorted(field_dir.glob("Phoenix.*.actors.txt")) + [Path(__file__).with_name("actor_field.py"),
                                                                    Path(__file__).parent / "field" / "phoenix.py"]:
            digest.update(f.name.encode() + f.read_bytes())
        cache = FIELD_CACHE_DIR / f"field-{digest.hexdigest()[:24]}.json"
        entries = None
        if cache.exists():
            try:
                raw = json.loads(cache.read_text(encoding="utf-8"))
                keys = raw["keys"]
                entries = FieldEntries([(t, c, v, k, s and dt.date.fromisoformat(s), e and dt.date.fromisoformat(e))
                                        for t, c, v, k, s, e in raw["aliases"]],
                                       {c: tuple(v) for c, v in raw["groups"].items()}, raw["counts"])
            except (ValueError, KeyError, TypeError):
                entries = None
        if entries is None:
            entries = field_entries(cameo_prefixes=prefixes, known=set(self.actors), taken=set(taken),
                                    project_groups=set(groups), field_dir=field_dir, actors_dir=self.actors_dir)
            keys = [normalise_name(a[0]) for a in entries.aliases]
            _write_cache(cache, {"aliases": [(t, c, v, k, s and s.isoformat(), e and e.isoformat())
                                             for t, c, v, k, s, e in entries.aliases], "keys": keys,
                                 "groups": entries.groups, "counts": entries.counts})
        for code, (name, source) in entries.groups.items():
            self.actors[code] = Actor(code, name, "group", source)
        for (text, code, via, cased, start, end), key in zip(entries.aliases, keys):
            aliases.append(_Alias(text, code, via, cased, start, end, key))
        return entries.counts


def _write_cache(path: Path, data: dict) -> None:
    """Write ``data`` as JSON atomically (a temporary file renamed); do nothing if the folder is unwritable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(fh.name, path)
    except OSError:
        pass
