"""The inputs' records (articles, annotations, labelled pairs), their labels and errors, and the readers of
annotation and labelled-pair files (articles are read by :mod:`training.reading`).

Every reader checks its rows and raises :class:`DataError` naming the file and line (or row) of the
first bad one, so a user never meets a traceback or a silently skipped row.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "Article", "Annotation", "LabelledPair", "DataError", "LABELS",
    "ArticleRecord", "read_annotations", "read_pairs", "parse_date", "text_lines",
]

LABELS = ("support", "oppose", "neutral")


class DataError(ValueError):
    """An input file holds a row the project cannot use; the message names file, line and field."""


@dataclass(frozen=True)
class Article:
    """One news article.

    Attributes
    ----------
    id : str
        Unique article id (the ``doc_id`` of its examples).
    text : str
        Body text (the title is kept apart).
    title, url : str
    date : datetime.date or None
        Publication date; leaders count for their state on this date.
    origin : str
        The file or dataset it was read from.
    """

    id: str
    text: str
    title: str = ""
    date: dt.date | None = None
    url: str = ""
    origin: str = ""


@dataclass(frozen=True)
class Annotation:
    """A directed stance annotated in an article: ``source`` toward ``target`` is ``label``.

    ``sentence`` is the 0-based index of the sentence it holds in, or None for every sentence of the
    article in which both actors occur. ``where`` is ``file:line``.
    """

    doc_id: str
    source: str
    target: str
    label: str
    sentence: int | None
    where: str


@dataclass(frozen=True)
class LabelledPair:
    """One row of the labelled-pair JSONL format (``../shared/data/real/README.md``)."""

    id: str
    doc_id: str
    text: str
    source: str
    target: str
    label: str
    source_span: str | None = None
    target_span: str | None = None
    date: dt.date | None = None
    origin: str = ""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")


def parse_date(value, where: str = "date") -> dt.date | None:
    """Parse ``YYYY-MM-DD``, an ISO timestamp (``2022-09-13T08:00:00Z``: its date), ``YYYYMMDD`` or ``YYMMDD``.

    Empty gives None. Anything after the date that is not an ISO time (``2022-02-28junk``) is an error.

    Raises
    ------
    DataError
        If the value is not a date.
    """
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if text.isdigit() and len(text) in (6, 8):  # event-data forms YYYYMMDD and YYMMDD (PETRARCH)
            return dt.datetime.strptime(text, "%Y%m%d" if len(text) == 8 else "%y%m%d").date()
        if not (_ISO_DATE.match(text) and (len(text) == 10 or _ISO_TIME.fullmatch(text, 10))):
            raise ValueError(text)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise DataError(f"{where}: invalid date {value!r}, expected YYYY-MM-DD") from None


def _str_field(row: dict, key: str, where: str, *, required: bool = True) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DataError(f"{where}: missing or empty field {key!r}")
        return ""
    if not isinstance(value, (str, int)):
        raise DataError(f"{where}: field {key!r} must be a string, got {type(value).__name__}")
    return str(value)


def text_lines(path: str | Path) -> Iterator[str]:
    """The lines of a UTF-8 text file (plain or ``.gz``), with their line endings; a leading BOM is dropped.

    The one place where the readers of articles, annotations, labelled pairs and proposal files decode
    bytes, so a file saved by Excel (a UTF-8 BOM) reads like any other, and one that is not UTF-8 (cp1252,
    Latin-1) stops with its file and line instead of a ``UnicodeDecodeError``. Usable as a ``csv.reader``
    input (a quoted field spanning lines is joined by the reader).

    Raises
    ------
    DataError
        On the first line that is not UTF-8 (file, line and byte column named) or an unreadable file.
    """
    path = Path(path)
    try:
        with (gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")) as fh:
            for lineno, raw in enumerate(fh, 1):
                if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise DataError(
                        f"{path}:{lineno}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                        "save the file as UTF-8 (in Excel: 'CSV UTF-8')") from None
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: unreadable ({type(exc).__name__}: {str(exc)[:80]})") from None


def _jsonl(path: Path) -> Iterator[tuple[str, dict]]:
    if path.is_dir():
        raise DataError(f"{path}: a folder, expected a .jsonl file")
    if not path.exists():
        raise DataError(f"{path}: no such file")
    for lineno, line in enumerate(text_lines(path), 1):
        where = f"{path}:{lineno}"
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: invalid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise DataError(f"{where}: expected a JSON object, got {type(row).__name__}")
        yield where, row


class ArticleRecord(NamedTuple):
    """One item read by :func:`training.reading.iter_articles`: an article, or why its row could not be read.

    Attributes
    ----------
    where : str
        ``file:line`` (or ``dataset: row N``) of the row.
    article : Article or None
        None when the row is bad.
    error : str or None
        What is wrong with the row (names the file, line and field; never quotes the text).
    """

    where: str
    article: Article | None
    error: str | None = None


def read_annotations(path: str | Path) -> list[Annotation]:
    """Read annotation JSONL: ``doc_id``, ``source``, ``target``, ``label``, optional ``sentence``.

    Raises
    ------
    DataError
        On a bad row, an unknown label or a negative or non-integer sentence index.
    """
    out = []
    for where, row in _jsonl(Path(path)):
        label = _str_field(row, "label", where)
        if label not in LABELS:
            raise DataError(f"{where}: field 'label' is {label!r}, expected one of {', '.join(LABELS)}")
        sentence = row.get("sentence")
        if sentence is not None and (not isinstance(sentence, int) or isinstance(sentence, bool) or sentence < 0):
            raise DataError(f"{where}: field 'sentence' must be a sentence index >= 0, got {sentence!r}")
        out.append(
            Annotation(
                _str_field(row, "doc_id", where), _str_field(row, "source", where).strip(),
                _str_field(row, "target", where).strip(), label, sentence, where,
            )
        )
    return out


def read_pairs(path: str | Path) -> list[LabelledPair]:
    """Read labelled-pair JSONL (``id``, ``doc_id``, ``text``, ``source``, ``target``, ``label``, ...).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    list of LabelledPair

    Raises
    ------
    DataError
        If the file is missing or empty, a row is bad (file and line named), every text is blank, or
        an id repeats.
    """
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{path}: no such file")
    rows, seen = [], set()
    for where, row in _jsonl(p):
        label = row.get("label")
        if label not in LABELS:
            raise DataError(f"{where}: field 'label' is {label!r}, expected one of {', '.join(LABELS)}")
        text = row.get("text")
        if not isinstance(text, str):
            raise DataError(f"{where}: field 'text' must be a string")
        rid = _str_field(row, "id", where)
        if rid in seen:
            raise DataError(f"{where}: duplicate id {rid!r}")
        seen.add(rid)
        rows.append(
            LabelledPair(
                id=rid, doc_id=_str_field(row, "doc_id", where, required=False) or rid, text=text,
                source=_str_field(row, "source", where).strip(), target=_str_field(row, "target", where).strip(),
                label=label, source_span=row.get("source_span") or None, target_span=row.get("target_span") or None,
                date=parse_date(row.get("date"), f"{where}: field 'date'"), origin=str(row.get("origin", "")),
            )
        )
    if not rows:
        raise DataError(f"{path}: no rows")
    if not any(r.text.strip() for r in rows):
        raise DataError(f"{path}: every row has blank text; nothing to learn from or score")
    return rows
