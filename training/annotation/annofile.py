"""The annotation file written by ``training.annotate`` and the page, and the skips beside it.

An annotation file is the JSONL that ``training.fit --annotations`` reads: one object a line with
``doc_id``, ``source``, ``target``, ``label`` and ``sentence`` (0-based over the article body, the title not
counted). The tools write *partial* annotations (no ``{"complete": true}`` row): only the pairs labelled
train. A file holds one label per pair (article, sentence, source, target): a new label is appended at
once (open, append, flush, fsync) under an exclusive lock, so a crash or Ctrl-C loses nothing answered; a
correction replaces the earlier label, and an undo removes the last label, each by an atomic rewrite
(temporary file, fsync, rename). A last line torn by a crash is dropped on the next run, with a warning.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from training.articles import DataError, read_annotations

__all__ = ["FIELDS", "annotation_row", "row_key", "append_row", "label_row", "import_rows", "remove_row",
           "remove_last", "repair", "annotated_keys", "mark_complete", "replacing", "locked", "append_line",
           "read_lines", "session"]

log = logging.getLogger(__name__)
FIELDS = ("doc_id", "source", "target", "label", "sentence")


def annotation_row(doc_id: str, source: str, target: str, label: str, sentence: int | None) -> dict:
    """One annotation in the format ``training.fit`` reads."""
    return {"doc_id": doc_id, "source": source, "target": target, "label": label, "sentence": sentence}


def _same(name: str) -> str:
    return name


def row_key(row: dict, resolve: Callable[[str], str] = _same) -> tuple:
    """The pair a row labels: ``(doc_id, sentence, source, target)`` with the actors resolved to codes."""
    return (str(row["doc_id"]), row.get("sentence"), resolve(str(row["source"]).strip()),
            resolve(str(row["target"]).strip()))


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``<path>.lock`` for the time of one write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def session(path: str | Path) -> Iterator[None]:
    """Hold ``<path>.session`` for a whole labelling session (or import), so that two sessions never
    propose and store the same pairs with conflicting labels.

    Raises
    ------
    DataError
        If another session (or import) holds it, naming the file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path.with_name(path.name + ".session"), "a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise DataError(f"{path}: another labelling session (or --import) is writing this file; finish it "
                        "first, or label into another --out file") from None
    try:
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def _line(row: dict, fields: Sequence[str] = FIELDS) -> str:
    return json.dumps({k: row[k] for k in fields}, ensure_ascii=False) + "\n"


def append_line(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def append_row(path: str | Path, row: dict) -> None:
    """Append one annotation and make it durable before returning (flush and fsync), whatever the file holds."""
    path = Path(path)
    with locked(path):
        append_line(path, _line(row))


@contextlib.contextmanager
def replacing(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """A text file beside ``path`` that replaces it atomically (flushed, fsynced, renamed) when the block
    ends without an error."""
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _rewrite(path: Path, lines: Sequence[str]) -> None:
    with replacing(path) as fh:
        fh.writelines(lines)


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []


def _label_index(lines: Sequence[str], resolve) -> dict[tuple, int]:
    """key -> index of the last line labelling it (completeness rows and unreadable lines are left alone)."""
    index = {}
    for k, line in enumerate(lines):
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and "label" in row and all(f in row for f in ("doc_id", "source", "target")):
            index[row_key(row, resolve)] = k
    return index


def import_rows(path: str | Path, rows: Sequence[dict], *, resolve=_same) -> dict[str, int]:
    """Add labels to ``path`` in one atomic rewrite; a label for a pair the file already holds replaces it.

    Parameters
    ----------
    path : str or path-like
        The annotation file (created when missing).
    rows : sequence of dict
        Annotation rows (:func:`annotation_row`); of two rows for one pair, the later wins.
    resolve : callable, optional
        name -> actor code, so that "Russia" and "RUS" are one pair.

    Returns
    -------
    dict
        ``new``, ``replaced`` and ``unchanged``: how many labels were added, changed and already there.
    """
    path = Path(path)
    repair(path)
    counts = {"new": 0, "replaced": 0, "unchanged": 0}
    incoming = {row_key(r, resolve): r for r in rows}
    with locked(path):
        lines = read_lines(path)
        index = _label_index(lines, resolve)
        drop, added = set(), []
        for key, row in incoming.items():
            k = index.get(key)
            if k is not None and json.loads(lines[k])["label"] == row["label"]:
                counts["unchanged"] += 1
                continue
            counts["new" if k is None else "replaced"] += 1
            if k is not None:
                drop.add(k)
            added.append(_line(row))
        if added:
            _rewrite(path, [line for k, line in enumerate(lines) if k not in drop] + added)
    return counts


def label_row(path: str | Path, row: dict, *, resolve=_same) -> str:
    """Write one label: appended (fsynced) when the pair is new, replacing the earlier label otherwise.

    Returns
    -------
    str
        ``"new"``, ``"replaced"`` or ``"unchanged"``.
    """
    path = Path(path)
    key = row_key(row, resolve)
    with locked(path):
        lines = read_lines(path)
        torn = bool(lines) and not lines[-1].endswith("\n")
        if torn:  # a last line cut by a crash: the rewrite below drops it
            lines = lines[:-1]
            log.warning("%s: dropped an incomplete last line (an interrupted write)", path)
        k = _label_index(lines, resolve).get(key)
        if k is not None and json.loads(lines[k])["label"] == row["label"] and not torn:
            return "unchanged"
        if k is None and not torn:
            append_line(path, _line(row))
            return "new"
        _rewrite(path, [line for j, line in enumerate(lines) if j != k] + [_line(row)])
        return "new" if k is None else "replaced"


def remove_row(path: str | Path, row: dict) -> bool:
    """Remove the last line equal to ``row`` (an undo), rewriting the file atomically.

    Returns
    -------
    bool
        Whether a line was removed.
    """
    path = Path(path)
    target = _line(row)
    with locked(path):
        lines = read_lines(path)
        for k in range(len(lines) - 1, -1, -1):
            if lines[k] == target:
                _rewrite(path, lines[:k] + lines[k + 1:])
                return True
    return False


def remove_last(path: str | Path) -> dict | None:
    """Remove the last label of the file, whichever session wrote it (an undo), atomically.

    Returns
    -------
    dict or None
        The row removed, or None when the file holds no label.
    """
    path = Path(path)
    with locked(path):
        lines = read_lines(path)
        for k in range(len(lines) - 1, -1, -1):
            try:
                row = json.loads(lines[k])
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict) and "label" in row:
                _rewrite(path, lines[:k] + lines[k + 1:])
                return row
    return None


def repair(path: str | Path) -> bool:
    """Drop a last line left incomplete by a crash (no newline, or not JSON), atomically.

    Returns
    -------
    bool
        Whether the file was repaired.
    """
    path = Path(path)
    if not path.exists():
        return False
    with locked(path):
        data = path.read_bytes()  # bytes: a write torn inside a multibyte character must not stop the repair
        if not data or data.endswith(b"\n"):
            return False
        head, _, last = data.rpartition(b"\n")
        try:
            json.loads(last.decode("utf-8"))
            fixed = data.decode("utf-8") + "\n"
        except (UnicodeDecodeError, json.JSONDecodeError):
            try:
                fixed = head.decode("utf-8") + "\n" if head else ""
            except UnicodeDecodeError as exc:
                line = head[:exc.start].count(b"\n") + 1
                raise DataError(f"{path}:{line}: not UTF-8 text; nothing repaired") from None
            log.warning("%s: dropped an incomplete last line (an interrupted write)", path)
        _rewrite(path, [fixed])
    return True


def annotated_keys(path: str | Path, resolve) -> set[tuple]:
    """Keys ``(doc_id, sentence, source_code, target_code)`` of the annotations in ``path``.

    Parameters
    ----------
    path : str or path-like
        A missing file gives an empty set.
    resolve : callable
        name -> actor code (names are resolved as ``training.fit`` resolves them).

    Raises
    ------
    DataError
        If the file holds a bad row (file and line named).
    """
    if not Path(path).exists():
        return set()
    return {(a.doc_id, a.sentence, resolve(a.source), resolve(a.target)) for a in read_annotations(path)}


def mark_complete(path: str | Path, doc_id: str) -> bool:
    """Say that article ``doc_id`` is annotated completely in ``path`` (a ``{"doc_id", "complete": true}`` row,
    appended and fsynced); returns False when the file says so already."""
    path = Path(path)
    line = json.dumps({"doc_id": doc_id, "complete": True}, ensure_ascii=False) + "\n"
    with locked(path):
        if line in read_lines(path):
            return False
        append_line(path, line)
    return True
