"""The Phoenix actor dictionaries merged into the project's actor dictionary, with precision rules.

:func:`field_entries` selects from :func:`training.field.phoenix.phoenix_rows` what the actor dictionary
adds to its own entries (``data/actors/``), which always win:

- **officials** (Countries file, dated codes): people with a government, military or intelligence role
  (role suffix ``GOV...``, ``MIL``, ``SPY``) count for their state during their Phoenix term, and people
  with a dated IGO code for the project bloc of that code (``IGOUNO`` -> ``UN``). Elites, opposition and
  rebels (``ELI``, ``OPP``, ``REB``) are left out: people out of office speak for themselves. Terms still
  open in the files (``>YYMMDD``, the files date from 2013-2014) end on :data:`OPEN_END`;
- **international organisations**: rows whose CAMEO code falls under a project bloc's code (the longest
  prefix: ``IGOUNOKID``, UNICEF, is ``UN``; ``IGOUNODEVWBK`` is ``WB``) add their names to that bloc; other
  IGOs, NGOs and companies are not actors (``ANNOTATION_GUIDE.md``);
- **non-state armed groups**: a row of a project group adds its names to it; any other becomes an actor of
  kind ``group`` whose code is its acronym or its name in capitals without spaces (the guide's rule).

Precision rules on every name: a person's name needs two words and eight letters, so no surname alone
comes from Phoenix (surnames of heads of state, government and foreign ministers come only from the
project's ``leaders*.jsonl``, within their terms), nor a name that starts with a title ("King Abdullah");
a name given to two actors is dropped; a name the project
already gives to any actor is dropped (the project wins); a one-word group name needs six letters and must
not be an ordinary word ("Tigers", "Red Line", "Al-Aqsa"), shorter ones count only as upper-case acronyms,
and none starts with a digit ("17 November"); "X (Y)" gives "X" and the acronym "Y".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from training.field.phoenix import DEFAULT_FIELD_DIR, load_phoenix, phoenix_rows

__all__ = ["OPEN_END", "FieldEntries", "field_entries"]

OPEN_END = dt.date(2014, 12, 31)  # Phoenix terms still open when the files were made end here
_OFFICIAL = re.compile(r"phoenix:(?:GOV\w*|MIL|SPY|-)$")
_PAREN = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
_LETTERS = re.compile(r"[^\W\d_]")
# one-word Phoenix group names that are ordinary words or names of other things
_COMMON = frozenset("""organization tigers youth zero falcon mavericks camo yahweh aleph boogeymen eyal shahin
muhannad hamzah tanzim hisba contras recontras ex-contras provos sandinistas naxalites montoneros tupamaros
lautaros venceremos hotaru hotaru-2 amal unita zanu interahamwe kach kakh avengers cornerstone foundation
lightning paradise
muhammed emetic extraditables inevitables""".split()) | {"red line", "al-aqsa", "the base", "the order"}
# a person's name that starts with a title names an office, whoever holds it ("King Abdullah": Jordan's or
# Saudi Arabia's)
_TITLES = frozenset("""king queen prince princess emir sheikh sheik president premier minister general gen
colonel col sultan crown lord lady sir dr mr mrs ms pope ayatollah imam""".split())


@dataclass
class FieldEntries:
    """What the Phoenix merge adds. ``aliases``: ``(text, code, via, cased, start, end)``; ``groups``:
    new group code -> (display name, source); ``counts``: what was kept and dropped, by rule."""

    aliases: list[tuple[str, str, str, bool, dt.date | None, dt.date | None]]
    groups: dict[str, tuple[str, str]]
    counts: dict[str, int]


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _split(name: str) -> list[tuple[str, bool]]:
    """A Phoenix name as (alias, is_acronym): "Basque Fatherland AND Freedom (Eta)" gives the name and ETA."""
    m = _PAREN.match(name)
    names = [m.group(1), m.group(2)] if m else [name]
    out = []
    for n in names:
        n = re.sub(r"^the\s+", "", n, flags=re.I)  # the dictionary adds "the" itself; "the X" would outreach
        n = " ".join(w if w.isupper() and len(w) <= 3 else w[:1].upper() + w[1:] if w.islower() else w
                     for w in n.replace(" AND ", " and ").replace(" OF ", " of ").replace(" THE ", " the ")
                     .replace(" FOR ", " for ").replace(" IN ", " in ").replace(" TO ", " to ").split())
        one = len(n.split()) == 1
        acronym = one and (len(_LETTERS.findall(n)) <= 5 or n.isupper())
        out.append((n.upper() if acronym else n, acronym))
    return out


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def field_entries(*, cameo_prefixes: list[tuple[str, str]], known: set[str], taken: set[str],
                  project_groups: set[str], field_dir: str | Path = DEFAULT_FIELD_DIR,
                  actors_dir: str | Path) -> FieldEntries:
    """Select the Phoenix rows the dictionary merges, by the rules of the module docstring.

    Parameters
    ----------
    cameo_prefixes : list of (str, str)
        The project's CAMEO IGO codes and their bloc codes, longest first.
    known : set of str
        The project's actor codes (states, blocs, groups).
    taken : set of str
        Every alias the project already has, case-folded with single spaces (the project wins).
    project_groups : set of str
        Codes of the project's groups.
    field_dir, actors_dir : path-like
        ``data/field`` and ``data/actors``.

    Returns
    -------
    FieldEntries
    """
    rows = phoenix_rows(load_phoenix(field_dir), actors_dir=actors_dir)
    counts = {"people": 0, "organisations": 0, "groups_project": 0, "groups_new": 0, "names_taken": 0,
              "names_ambiguous": 0, "names_short": 0, "people_not_official": 0}
    cand: list[tuple[str, str, str, bool, dt.date | None, dt.date | None]] = []
    groups: dict[str, tuple[str, str]] = {}
    group_codes: dict[str, str] = {}  # name key of a new group's primary name -> its code
    for r in rows:
        kind, names = r["kind"], [r["name"]] + r["aliases"]
        if kind == "person":
            code = r["code"]
            if not _OFFICIAL.match(r["role"]) or code not in known:
                counts["people_not_official"] += 1
                continue
            start, end = _date(r["start"]), _date(r["end"]) or OPEN_END
            counts["people"] += 1
            for n in names:
                if len(n.split()) < 2 or len(_LETTERS.findall(n)) < 8 or n.split()[0].casefold().strip(".") in _TITLES:
                    counts["names_short"] += 1
                    continue
                cand.append((n, code, "leader", False, start, end))
        elif kind == "organisation":
            code = next((c for p, c in cameo_prefixes if r["phoenix_code"].startswith(p)), None)
            if code is None:
                continue
            counts["organisations"] += 1
            for n in names:
                for text, acronym in _split(n):
                    if len(_LETTERS.findall(text)) >= 2:
                        cand.append((text, code, "name", acronym, None, None))
        elif kind == "armed_group":
            if r["code"] in project_groups:
                code = r["code"]
                counts["groups_project"] += 1
            else:
                pairs = [p for n in names for p in _split(n)]
                primary = _key(pairs[0][0])
                code = group_codes.get(primary)
                if code is None:
                    acr = next((t for t, a in pairs if a and len(t) >= 3), None)
                    base = re.sub(r"[^A-Z0-9]", "", (acr or pairs[0][0]).upper())[:24] or "GROUP"
                    code, k = base, 2
                    while code in known or code in groups:
                        code, k = f"{base}{k}", k + 1
                    groups[code] = (pairs[0][0], r["source"])
                    group_codes[primary] = code
                    counts["groups_new"] += 1
            for n in names:
                for text, acronym in _split(n):
                    letters = len(_LETTERS.findall(text))
                    if letters < 2 or (acronym and letters < 3) or text.casefold() in _COMMON or text[0].isdigit() or (
                            len(text.split()) == 1 and not acronym and letters < 6):
                        counts["names_short"] += 1
                        continue
                    cand.append((text, code, "name", acronym, None, None))
    owners: dict[str, set[str]] = {}
    for text, code, *_ in cand:
        owners.setdefault(_key(text), set()).add(code)
    out, seen = [], set()
    for item in cand:
        k = _key(item[0])
        if k in taken:
            counts["names_taken"] += 1
        elif len(owners[k]) > 1:
            counts["names_ambiguous"] += 1
        elif (item[0], item[1], item[4], item[5]) not in seen:
            seen.add((item[0], item[1], item[4], item[5]))
            out.append(item)
    used = {code for _, code, *_ in out}
    groups = {c: v for c, v in groups.items() if c in used}
    counts["groups_new"] = len(groups)
    counts["aliases"] = len(out)
    return FieldEntries(out, groups, counts)
