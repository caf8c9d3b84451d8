"""Proposal files: the proposals of ``training.annotate --export`` for labelling in another tool, read back
by ``--import``.

A proposal file is CSV or JSONL with :data:`EXPORT_COLUMNS`; its ``label`` column is left empty for a
person to fill in (support, oppose or neutral; empty skips the row).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from training.annotation.annofile import annotation_row, replacing
from training.articles import LABELS, DataError, text_lines
from training.csvcells import protect, unprotect

__all__ = ["EXPORT_COLUMNS", "write_proposals", "read_labelled_proposals"]

EXPORT_COLUMNS = ("doc_id", "sentence", "source", "target", "source_name", "target_name", "title", "date",
                  "text", "guess", "p_support", "p_oppose", "p_neutral", "label")


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
    with replacing(path, newline="") as fh:
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


def read_labelled_proposals(path: str | Path, *, skipped: list | None = None) -> list[dict]:
    """The labelled rows of a proposal file (rows with an empty ``label`` are skipped).

    Parameters
    ----------
    path : str or path-like
    skipped : list, optional
        Receives the rows left empty (with an empty ``label``), to remember them as skipped.

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
            sentence = str(row.get("sentence", "")).strip()
            if skipped is not None and sentence.isdigit() and all(str(row.get(k) or "").strip()
                                                                   for k in ("doc_id", "source", "target")):
                skipped.append(annotation_row(str(row["doc_id"]).strip(), str(row["source"]).strip(),
                                              str(row["target"]).strip(), "", int(sentence)))
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
