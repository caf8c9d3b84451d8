"""The skips of an annotation file: pairs a person chose not to label, kept in ``<file>.skipped`` (the keys
``doc_id``, ``sentence``, ``source``, ``target``, one JSON object a line), so a skip holds between runs.
Writes take the annotation file's lock and are fsynced.
"""

from __future__ import annotations

import json
from pathlib import Path

from training.annotation.annofile import append_line, locked, read_lines, replacing, row_key

__all__ = ["skip_path", "add_skip", "add_skips", "remove_skip", "skipped_keys"]

KEY_FIELDS = ("doc_id", "sentence", "source", "target")


def _line(row: dict) -> str:
    return json.dumps({k: row[k] for k in KEY_FIELDS}, ensure_ascii=False) + "\n"


def skip_path(path: str | Path) -> Path:
    """Where the skips of annotation file ``path`` are kept: ``<path>.skipped``."""
    path = Path(path)
    return path.with_name(path.name + ".skipped")


def add_skip(path: str | Path, row: dict) -> None:
    """Remember that the pair of ``row`` was skipped (appended and fsynced to ``<path>.skipped``)."""
    path = Path(path)
    with locked(path):
        append_line(skip_path(path), _line(row))


def add_skips(path: str | Path, rows) -> int:
    """Remember several skipped pairs at once (one append, fsynced), leaving out pairs already remembered;
    returns how many were added."""
    path = Path(path)
    with locked(path):
        have = set(read_lines(skip_path(path)))
        new = [line for line in dict.fromkeys(_line(r) for r in rows) if line not in have]
        if new:
            append_line(skip_path(path), "".join(new))
    return len(new)


def remove_skip(path: str | Path, row: dict) -> bool:
    """Forget the last skip of the pair of ``row`` (an undo); returns whether one was removed."""
    path = Path(path)
    target = _line(row)
    with locked(path):
        lines = read_lines(skip_path(path))
        for k in range(len(lines) - 1, -1, -1):
            if lines[k] == target:
                with replacing(skip_path(path)) as fh:
                    fh.writelines(lines[:k] + lines[k + 1:])
                return True
    return False


def skipped_keys(path: str | Path, resolve=lambda name: name) -> set[tuple]:
    """Keys of the pairs skipped in earlier runs (unreadable lines, such as one torn by a crash, are ignored)."""
    keys = set()
    for line in read_lines(skip_path(path)):
        try:
            row = json.loads(line)
            keys.add(row_key(row, resolve))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            continue
    return keys
