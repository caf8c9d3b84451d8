"""Where the Phoenix rows and the project's own actor data (``data/actors/``) disagree."""

from __future__ import annotations

import json
from pathlib import Path

from training.field.phoenix import DEFAULT_ACTORS_DIR, name_key, project_codes

__all__ = ["conflicts"]


def conflicts(rows: list[dict], *, actors_dir: str | Path = DEFAULT_ACTORS_DIR) -> list[dict]:
    """Phoenix rows whose name the project's own data gives to another actor.

    Compares each row's names with ``leaders.jsonl`` names and aliases (at overlapping dates for
    people), ``states.json`` names, demonyms and metonyms, and bloc and group names. The project's entry
    is meant to win on merge.

    Returns
    -------
    list of dict
        ``name``, ``phoenix`` (the row's code), ``project`` (the project's code), ``where`` (file).
    """
    actors_dir = Path(actors_dir)
    own: dict[str, list[tuple[str, str, str | None, str | None]]] = {}
    with (actors_dir / "leaders.jsonl").open(encoding="utf-8") as fh:
        for line in filter(str.strip, fh):
            r = json.loads(line)
            for n in [r["name"]] + r.get("aliases", []):
                own.setdefault(name_key(n), []).append((r["code"], "leaders.jsonl", r.get("start"), r.get("end")))
    states = json.loads((actors_dir / "states.json").read_text(encoding="utf-8"))
    for code, s in states.items():
        if isinstance(s, dict):
            for n in s.get("names", []) + s.get("demonyms", []) + s.get("metonyms", []):
                own.setdefault(name_key(n), []).append((code, "states.json", None, None))
    _, bloc_names, group_keys = project_codes(actors_dir)
    for k, code in bloc_names.items():
        own.setdefault(k, []).append((code, "blocs.json", None, None))
    for k, code in group_keys.items():
        own.setdefault(k, []).append((code, "groups.json", None, None))
    out = []
    for row in rows:
        for n in [row["name"]] + row["aliases"]:
            for code, where, start, end in own.get(name_key(n), []):
                overlap = (not row["start"] or not end or row["start"] <= end) and \
                          (not row["end"] or not start or start <= row["end"])
                if code != row["code"] and overlap:
                    out.append({"name": n, "phoenix": row["code"], "project": code, "where": where})
    return out
