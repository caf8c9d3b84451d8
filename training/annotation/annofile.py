"""The annotation file written by ``python -m training.annotate``, and proposal files for other tools.

An annotation file is the JSONL that ``training.fit --annotations`` reads: one object a line with
``doc_id``, ``source``, ``target``, ``label`` and ``sentence`` (0-based over the article body, the title not
counted). Every label is appended at once (open, append, flush, fsync), under an exclusive lock, so a
crash or Ctrl-C loses nothing that was answered; an undo rewrites the file atomically (temporary file,
fsync, rename). A last line torn by a crash is dropped on the next run, with a warning.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import json
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from training.articles import LABELS, DataError, read_annotations, text_lines
from training.csvcells import protect, unprotect

__all__ = ["FIELDS", "EXPORT_COLUMNS", "annotation_row", "append_row", "remove_row", "repair", "annotated_keys",
           "write_proposals", "read_labelled_proposals", "import_rows", "session"]

log = logging.getLogger(__name__)
FIELDS = ("doc_id", "source", "target", "label", "sentence")
EXPORT_COLUMNS = ("doc_id", "sentence", "source", "target", "source_name", "target_name", "title", "date",
                  "text", "guess", "p_support", "p_oppose", "p_neutral", "label")


def annotation_row(doc_id: str, source: str, target: str, label: str, sentence: int | None) -> dict:
    """One annotation in the format ``training.fit`` reads."""
    return {"doc_id": doc_id, "source": source, "target": target, "label": label, "sentence": sentence}


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
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


def _line(row: dict) -> str:
    return json.dumps({k: row[k] for k in FIELDS}, ensure_ascii=False) + "\n"


def append_row(path: str | Path, row: dict) -> None:
    """Append one annotation and make it durable before returning (flush and fsync)."""
    path = Path(path)
    with _locked(path), open(path, "a", encoding="utf-8") as fh:
        fh.write(_line(row))
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def _replacing(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """A text file beside ``path`` that replaces it atomically (flushed, fsynced, renamed) when the block
    ends without an error."""
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8", newline=newline) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _rewrite(path: Path, lines: Sequence[str]) -> None:
    with _replacing(path) as fh:
        fh.writelines(lines)


def remove_row(path: str | Path, row: dict) -> bool:
    """Remove the last line equal to ``row`` (an undo), rewriting the file atomically.

    Returns
    -------
    bool
        Whether a line was removed.
    """
    path = Path(path)
    target = _line(row)
    with _locked(path):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
        for k in range(len(lines) - 1, -1, -1):
            if lines[k] == target:
                _rewrite(path, lines[:k] + lines[k + 1:])
                return True
    return False


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
    with _locked(path):
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


def write_proposals(path: str | Path, rows: Sequence[dict]) -> None:
    """Write proposals as JSONL or CSV (by suffix) with :data:`EXPORT_COLUMNS`, ``label`` empty, atomically.

    Raises
    ------
    DataError
        If the suffix is neither ``.jsonl`` nor ``.csv``.
    """
    path = Path(path)
    if path.suffix not in (".jsonl", ".csv"):
        raise DataError(f"{path}: --export needs a .jsonl or .csv file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _replacing(path, newline="") as fh:
        if path.suffix == ".csv":
            writer = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            writer.writerows({**{c: _cell(r.get(c, "")) for c in EXPORT_COLUMNS}, "label": ""} for r in rows)
        else:
            fh.writelines(json.dumps({**{c: r.get(c, "") for c in EXPORT_COLUMNS}, "label": ""},
                                     ensure_ascii=False) + "\n" for r in rows)


def _cell(value):
    return protect(value) if isinstance(value, str) else value


def _proposal_rows(path: Path) -> Iterator[tuple[str, dict]]:
    if path.suffix == ".csv":
        reader = csv.DictReader(text_lines(path))
        missing = [c for c in ("doc_id", "sentence", "source", "target", "label") if c not in (reader.fieldnames
                                                                                                or [])]
        if missing:
            raise DataError(f"{path}:1: missing column(s) {', '.join(missing)}")
        try:
            for row in reader:
                yield f"{path}:{reader.line_num}", {k: unprotect(v) for k, v in row.items()}
        except csv.Error as exc:
            raise DataError(f"{path}:{reader.line_num}: not a readable CSV row ({exc})") from None
    elif path.suffix == ".jsonl":
        for lineno, line in enumerate(text_lines(path), 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise DataError(f"{path}:{lineno}: expected a JSON object")
                yield f"{path}:{lineno}", row
    else:
        raise DataError(f"{path}: --import needs a .jsonl or .csv file")


def read_labelled_proposals(path: str | Path) -> list[dict]:
    """The labelled rows of a proposal file (rows with an empty ``label`` are skipped).

    Returns
    -------
    list of dict
        Annotation rows (:func:`annotation_row`).

    Raises
    ------
    DataError
        Naming file and line of every bad label, sentence or missing field (all of them, one a line).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    out, errors = [], []
    for where, row in _proposal_rows(path):
        label = str(row.get("label") or "").strip().lower()
        if not label:
            continue
        if label not in LABELS:
            shown = label if len(label) <= 30 else label[:27] + "..."
            errors.append(f"{where}: label {shown!r} is not one of {', '.join(LABELS)} (leave it empty to skip)")
            continue
        sentence = str(row.get("sentence", "")).strip()
        if sentence and not sentence.isdigit():
            errors.append(f"{where}: sentence {sentence[:30]!r} is not a sentence index >= 0")
            continue
        fields = {k: str(row.get(k) or "").strip() for k in ("doc_id", "source", "target")}
        empty = [k for k, v in fields.items() if not v]
        if empty:
            errors.append(f"{where}: missing or empty field(s) {', '.join(empty)}")
            continue
        out.append(annotation_row(fields["doc_id"], fields["source"], fields["target"], label,
                                  int(sentence) if sentence else None))
    if errors:
        raise DataError(f"{len(errors)} bad row(s) in {path}, nothing imported:\n" + "\n".join(errors))
    return out


def import_rows(path: str | Path, rows: Sequence[dict]) -> int:
    """Add annotation rows to ``path`` in one atomic rewrite, leaving out rows already in it.

    Returns
    -------
    int
        How many rows were added.
    """
    path = Path(path)
    repair(path)
    with _locked(path):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
        have = set(lines)
        new = [line for line in dict.fromkeys(_line(r) for r in rows) if line not in have]
        if new:
            _rewrite(path, lines + new)
    return len(new)
