"""The Phoenix actor dictionaries of PETRARCH2 (``data/field/Phoenix.*.actors.txt``) read into dated rows.

A record is a primary phrase, optional ``+SYNONYM`` lines and codes in brackets, on the same line
(``[IGOUNO 820101-911231] [ELI]``, TABARI style) or on following tab-indented lines (PETRARCH2 style).
A code may carry a date restriction: ``>YYMMDD`` (from), ``<YYMMDD`` (until), ``YYMMDD-YYMMDD``
(between, ends included); dates have six or eight digits (``YYMMDD``, ``YYYYMMDD``), and a two-digit
year up to 30 is read as 20YY (the files were built in 2013-2014). A code without a date is the default.

:func:`phoenix_rows` turns records into rows shaped like ``data/actors/leaders.jsonl`` (``name``,
``aliases``, ``code``, ``role``, ``title``, ``start``, ``end``, ``source``), plus ``kind`` and
``phoenix_code``, so the actor dictionary can merge them later with the project's own entries winning.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pycountry

__all__ = ["DEFAULT_ACTORS_DIR", "DEFAULT_FIELD_DIR", "PHOENIX_FILES", "PhoenixEntry", "load_phoenix",
           "name_key", "parse_actor_file", "phoenix_rows", "project_codes"]

DEFAULT_FIELD_DIR = Path(__file__).resolve().parents[2] / "data" / "field"
DEFAULT_ACTORS_DIR = Path(__file__).resolve().parents[2] / "data" / "actors"
PHOENIX_FILES = {"country": "Phoenix.Countries.actors.txt", "international": "Phoenix.International.actors.txt",
                 "armed_group": "Phoenix.MilNonState.actors.txt"}
_BRACKET = re.compile(r"\[([^\]]*)\]")
_SOURCE = "PETRARCH2 Phoenix dictionaries (Open Event Data Alliance, MIT), data/field/"
_CAMEO_STATES = {"KSV": "XKX", "TMP": "TLS"}  # CAMEO state codes that differ from ISO 3166-1 alpha-3
_EXTRA_STATES = frozenset({"XKX", "PSE", "TWN", "VAT"})


@dataclass(frozen=True)
class PhoenixEntry:
    """One record of a Phoenix actor file.

    Attributes
    ----------
    names : tuple of str
        The primary phrase then its synonyms, underscores as spaces, in the file's upper case.
    codes : tuple of (str, datetime.date or None, datetime.date or None)
        Each code with the first and last day it applies (None: open); both None for the default.
    file : str
        Key of :data:`PHOENIX_FILES` ("country", "international", "armed_group").
    line : int
        Line number of the primary phrase.
    """

    names: tuple[str, ...]
    codes: tuple[tuple[str, dt.date | None, dt.date | None], ...]
    file: str
    line: int

    @property
    def dated(self) -> bool:
        """Whether any code carries a date restriction (a person with terms, in practice)."""
        return any(s or e for _, s, e in self.codes)


def _date(text: str) -> dt.date:
    if len(text) == 6:
        yy = int(text[:2])
        text = f"{2000 + yy if yy <= 30 else 1900 + yy}{text[2:]}"
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _code(text: str) -> tuple[str, dt.date | None, dt.date | None] | None:
    parts = text.split()
    if not parts:
        return None
    code, rest = parts[0], "".join(parts[1:])
    try:
        if not rest:
            return code, None, None
        if rest[0] == ">":
            return code, _date(rest[1:]), None
        if rest[0] == "<":
            return code, None, _date(rest[1:])
        start, _, end = rest.partition("-")
        return code, _date(start), _date(end)
    except ValueError:  # a malformed date: keep the code as a default
        return code, None, None


def _name(phrase: str) -> str:
    return " ".join(phrase.replace("_", " ").split())


def parse_actor_file(text: str, *, file: str = "country") -> list[PhoenixEntry]:
    """Parse the text of one Phoenix actor file.

    Parameters
    ----------
    text : str
    file : str, default="country"
        Key of :data:`PHOENIX_FILES`, recorded on each entry.

    Returns
    -------
    list of PhoenixEntry
        Records with at least one name and one code.
    """
    out: list[PhoenixEntry] = []
    names: list[str] = []
    codes: list = []
    start_line = 0

    def flush() -> None:
        if names and codes:
            out.append(PhoenixEntry(tuple(dict.fromkeys(names)), tuple(codes), file, start_line))

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        found = [c for c in (_code(m) for m in _BRACKET.findall(line)) if c]
        phrase = _BRACKET.sub(" ", line).strip()
        if raw[0] in " \t":
            codes += found
        elif line.startswith("+"):
            if _name(phrase[1:]):
                names.append(_name(phrase[1:]))
            codes += found
        else:
            flush()
            names, codes, start_line = [_name(phrase)] if _name(phrase) else [], list(found), lineno
    flush()
    return out


def load_phoenix(field_dir: str | Path = DEFAULT_FIELD_DIR) -> dict[str, list[PhoenixEntry]]:
    """Read the three Phoenix actor files of ``field_dir``: file key -> entries."""
    return {key: parse_actor_file(Path(field_dir, name).read_text(encoding="utf-8", errors="replace"), file=key)
            for key, name in PHOENIX_FILES.items()}


def _state(code: str) -> str | None:
    head = _CAMEO_STATES.get(code[:3], code[:3])
    return head if head in _EXTRA_STATES or pycountry.countries.get(alpha_3=head) else None


def name_key(name: str) -> str:
    """A name folded for comparison: case, apostrophes, punctuation and spacing removed."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold().replace("'", "")).split())


def project_codes(actors_dir: Path) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The project's bloc CAMEO codes, bloc names and group names/codes, each mapped to its code."""
    blocs = json.loads((actors_dir / "blocs.json").read_text(encoding="utf-8"))
    path = actors_dir / "groups.json"  # optional
    groups = json.loads(path.read_text(encoding="utf-8"))["groups"] if path.exists() else {}
    bloc_cameo = {c: code for code, b in blocs.items() for c in b.get("cameo", [])}
    bloc_names = {name_key(n): code for code, b in blocs.items()
                  for n in [b.get("name", "")] + b.get("names", []) if n}
    group_keys = {c: code for code, g in groups.items() for c in g.get("cameo", [])}
    group_keys |= {name_key(n): code for code, g in groups.items()
                   for n in [g.get("name", "")] + g.get("names", []) if n}
    return bloc_cameo, bloc_names, group_keys


def _display(name: str, *, acronyms: bool) -> str:
    """Title case ("PAUL KAGAME" -> "Paul Kagame"); with ``acronyms``, words of up to three letters or
    without a vowel stay upper case ("UN", "PKK")."""
    return " ".join(w if acronyms and (len(w) <= 3 or not re.search(r"[AEIOUY]", w)) else w.title()
                    for w in name.split())


def _person(code: str, start: dt.date | None, end: dt.date | None, bloc_cameo: dict[str, str]) -> dict:
    state = _state(code)
    mapped = bloc_cameo.get(code) or state or code
    suffix = "" if code in bloc_cameo else code[3:] if state else ""
    return {"code": mapped, "role": f"phoenix:{suffix or '-'}", "kind": "person", "phoenix_code": code,
            "start": start and start.isoformat(), "end": end and end.isoformat()}


def phoenix_rows(entries: dict[str, list[PhoenixEntry]] | None = None, *,
                 actors_dir: str | Path = DEFAULT_ACTORS_DIR) -> list[dict]:
    """Rows shaped like ``data/actors/leaders.jsonl`` for the Phoenix entries, mapped to project codes.

    - **people** (any other entry with dated codes): one row per dated code. ``code`` is the state (the first
      three letters when they are an ISO alpha-3 state) or the project bloc whose CAMEO code it is
      (``IGOUNO`` -> ``UN``); other codes are kept. ``role`` is ``phoenix:`` + the role suffix (``GOV``,
      ``ELI``, ``MIL``...): Phoenix does not say which officials head a state;
    - **organisations** (``international``, undated): ``code`` is the project bloc with the same CAMEO
      code or the same name, else the Phoenix code;
    - **armed groups**: the project group with the same specific CAMEO code or the same name, else the
      Phoenix code;
    - **state names** (``country`` entries with a bare state code among their codes, such as
      ``ARMENIA [USRARM <910921] [ARM]``): ``code`` is the state, its dated codes are dropped.

    Other undated country entries (sub-state regions, parties, firms) are left out.

    Parameters
    ----------
    entries : dict, optional
        As from :func:`load_phoenix` (default: read ``data/field/``).
    actors_dir : path-like, default=``data/actors``

    Returns
    -------
    list of dict
        Keys ``name``, ``aliases``, ``code``, ``role``, ``title``, ``start``, ``end`` (ISO dates or
        None), ``source``, ``kind`` ("person", "organisation", "armed_group", "state_name") and
        ``phoenix_code``.
    """
    entries = load_phoenix() if entries is None else entries
    bloc_cameo, bloc_names, group_keys = project_codes(Path(actors_dir))
    rows = []
    for file, items in entries.items():
        for e in items:
            names = [_display(n, acronyms=file != "country" and not e.dated) for n in e.names]
            name, aliases = names[0], names[1:]
            base = {"name": name, "aliases": aliases, "title": None,
                    "source": f"{_SOURCE}{PHOENIX_FILES[file]}:{e.line}"}
            keys = [name_key(n) for n in e.names]
            state_code = next((_state(c) for c, _, _ in e.codes if len(c) == 3 and _state(c)), None)
            named = keys if file != "country" else keys[:1]  # a state's synonyms may name its parties
            group = next((group_keys[k] for k in [c for c, _, _ in e.codes] + named if k in group_keys), None)
            bloc = next((bloc_names[k] for k in named if k in bloc_names), None)
            code = e.codes[0][0]
            if group or bloc:
                row = {"code": group or bloc, "kind": "armed_group" if group else "organisation", "phoenix_code": code}
            elif file == "country" and state_code:
                row = {"code": state_code, "kind": "state_name", "phoenix_code": state_code}
            elif e.dated:
                rows += [base | _person(c, s, e_, bloc_cameo) for c, s, e_ in e.codes if s or e_]
                continue
            elif file != "country":
                row = {"code": bloc_cameo.get(code, code), "kind": "organisation" if file == "international"
                       else "armed_group", "phoenix_code": code}
            else:
                continue
            rows.append(base | row | {"role": row["kind"], "start": None, "end": None})
    return rows
