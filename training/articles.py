"""Reading the inputs: articles, annotations and labelled-pair files.

Every reader checks its rows and raises :class:`DataError` naming the file and line (or row) of the
first bad one, so a user never meets a traceback or a silently skipped row.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "Article", "Annotation", "LabelledPair", "DataError", "LABELS",
    "read_articles", "iter_articles", "ArticleRecord", "read_annotations", "read_pairs", "parse_date",
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


def parse_date(value, where: str = "date") -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (a longer ISO timestamp is cut to its date), ``YYYYMMDD`` or ``YYMMDD``.

    Empty gives None.

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


def _jsonl(path: Path) -> Iterator[tuple[str, dict]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
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


def _csv(path: Path) -> Iterator[tuple[str, dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            yield f"{path}:{reader.line_num}", row


def _article(row: dict, where: str, origin: str) -> Article:
    return Article(
        id=_str_field(row, "id", where),
        text=_str_field(row, "text", where),
        title=_str_field(row, "title", where, required=False),
        date=parse_date(row.get("date"), f"{where}: field 'date'"),
        url=_str_field(row, "url", where, required=False),
        origin=origin,
    )


def _read_txt_folder(folder: Path) -> Iterator[Article]:
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise DataError(f"{folder}: no .txt articles in this folder")
    for path in files:
        raw = path.read_text(encoding="utf-8")
        title, _, body = raw.partition("\n")
        if not body.strip():
            raise DataError(f"{path}:1: article has a title line but no text")
        yield Article(id=path.stem, text=body, title=title.strip(), origin=str(path))


def _read_hf(spec: str) -> Iterator[Article]:
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets

    try:
        if Path(spec).is_dir():
            ds = datasets.load_from_disk(spec)
        else:
            ds = datasets.load_dataset(spec, split="train")
    except Exception as exc:  # datasets raises many types; report the name and cause
        raise DataError(
            f"{spec}: no such file or folder, and not a Hugging Face dataset available offline ({exc})"
        ) from None
    if isinstance(ds, datasets.DatasetDict):
        ds = ds["train"] if "train" in ds else ds[next(iter(ds))]
    for i, row in enumerate(ds):
        yield _article(row, f"{spec}: row {i}", spec)


def _read_hf_rows(spec: str) -> Iterator[dict]:
    """The rows of a saved or cached Hugging Face dataset, streamed."""
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets

    try:
        ds = datasets.load_from_disk(spec) if Path(spec).is_dir() else datasets.load_dataset(spec, split="train")
    except Exception as exc:  # datasets raises many types; report the name and cause
        raise DataError(
            f"{spec}: no such file or folder, and not a Hugging Face dataset available offline ({exc})"
        ) from None
    if isinstance(ds, datasets.DatasetDict):
        ds = ds["train"] if "train" in ds else ds[next(iter(ds))]
    for batch in ds.iter(batch_size=256):
        keys = list(batch)
        for values in zip(*(batch[k] for k in keys)):
            yield dict(zip(keys, values))


class ArticleRecord(NamedTuple):
    """One item read by :func:`iter_articles`: an article, or the reason its row could not be read.

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


def _is_table_file(p: Path) -> bool:
    return p.is_file() and (p.name.endswith((".jsonl", ".csv", ".jsonl.gz", ".csv.gz")))


def _open_text(path: Path):
    return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="") if path.suffix == ".gz" \
        else path.open(encoding="utf-8", newline="")


def _stream_rows(path: Path) -> Iterator[tuple[str, dict | None, str | None]]:
    """(where, row, error) for each row of a JSONL or CSV file, plain or gzipped, one line at a time."""
    try:
        if path.name.endswith((".jsonl", ".jsonl.gz")):
            with (gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")) as fh:
                for lineno, raw in enumerate(fh, 1):
                    where = f"{path}:{lineno}"
                    if not raw.strip():
                        continue
                    try:
                        row = json.loads(raw.decode("utf-8"))
                    except UnicodeDecodeError:
                        yield where, None, f"{where}: not UTF-8 text"
                        continue
                    except json.JSONDecodeError as exc:
                        yield where, None, f"{where}: invalid JSON ({exc.msg})"
                        continue
                    if not isinstance(row, dict):
                        yield where, None, f"{where}: expected a JSON object, got {type(row).__name__}"
                        continue
                    yield where, row, None
        else:
            with _open_text(path) as fh:
                reader = csv.DictReader(fh)
                for row in reader:
                    where = f"{path}:{reader.line_num}"
                    if None in row:
                        yield where, None, f"{where}: more fields than the header names"
                        continue
                    yield where, row, None
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        yield str(path), None, f"{path}: unreadable ({type(exc).__name__}: {str(exc)[:80]})"


def _iter_one(p: Path, spec: str) -> Iterator[ArticleRecord]:
    if p.is_dir() and any(p.glob("*.txt")):
        for path in sorted(p.glob("*.txt")):
            where = f"{path}:1"
            try:
                raw = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                yield ArticleRecord(where, None, f"{where}: unreadable ({type(exc).__name__})")
                continue
            title, _, body = raw.partition("\n")
            if not body.strip():
                yield ArticleRecord(where, None, f"{where}: article has a title line but no text")
                continue
            yield ArticleRecord(where, Article(id=path.stem, text=body, title=title.strip(), origin=str(path)))
    elif p.is_dir() and ((p / "dataset_info.json").exists() or (p / "dataset_dict.json").exists()):
        yield from _iter_hf(str(p))
    elif p.is_dir():
        files = sorted(f for f in p.iterdir() if _is_table_file(f))
        if not files:
            raise DataError(f"{spec}: no .txt, .jsonl, .jsonl.gz or .csv articles in this folder")
        for f in files:
            yield from _iter_one(f, str(f))
    elif _is_table_file(p):
        for where, row, error in _stream_rows(p):
            if error is not None:
                yield ArticleRecord(where, None, error)
                continue
            try:
                yield ArticleRecord(where, _article(row, where, str(p)))
            except DataError as exc:
                yield ArticleRecord(where, None, str(exc))
    elif not p.exists():
        yield from _iter_hf(spec)
    else:
        raise DataError(f"{spec}: not a folder of .txt, a .jsonl, .jsonl.gz or .csv file, or a saved Hugging Face "
                        "dataset")


def _iter_hf(spec: str) -> Iterator[ArticleRecord]:
    rows = _read_hf_rows(spec)
    for i, row in enumerate(rows):
        where = f"{spec}: row {i}"
        try:
            yield ArticleRecord(where, _article(row, where, spec))
        except DataError as exc:
            yield ArticleRecord(where, None, str(exc))


def iter_articles(path: str | Path, *, seen: set[str] | None = None) -> Iterator[ArticleRecord]:
    """Stream the articles of ``path`` one at a time, so memory stays flat however large it is.

    Parameters
    ----------
    path : str or path-like
        Every form :func:`read_articles` accepts, plus gzipped JSONL or CSV (``.jsonl.gz``, ``.csv.gz``).

    seen : set of str, optional
        Ids already read (from earlier paths of the same run); updated in place.

    Yields
    ------
    ArticleRecord
        In file order (files of a folder sorted by name). A bad row (broken JSON, no text, a bad date, a
        repeated id) is yielded with its ``error`` instead of stopping the stream; the caller decides.

    Raises
    ------
    DataError
        If ``path`` itself cannot be read as articles (missing, of another kind, an empty folder).
    """
    seen = set() if seen is None else seen
    for record in _iter_one(Path(path), str(path)):
        if record.article is not None:
            if record.article.id in seen:
                record = ArticleRecord(record.where, None,
                                       f"{record.where}: duplicate article id {record.article.id!r}")
            else:
                seen.add(record.article.id)
        yield record


def read_articles(path: str | Path) -> list[Article]:
    """Read articles from a folder of ``.txt``, a JSONL or CSV file, or a Hugging Face dataset.

    Parameters
    ----------
    path : str or path-like
        - folder of ``.txt`` files: file name = article id, first line = title, the rest = text;
        - ``.jsonl`` or ``.csv`` with ``id``, ``text`` and optional ``title``, ``date``, ``url``, or a
          folder of such files;
        - a folder written by ``datasets.Dataset.save_to_disk`` or a dataset name in the local
          Hugging Face cache (read offline), with the same columns.

    Returns
    -------
    list of Article

    Raises
    ------
    DataError
        On a missing file, a bad row (file and line named), or duplicate ids.
    """
    p = Path(path)
    if p.is_dir() and any(p.glob("*.txt")):
        articles = list(_read_txt_folder(p))
    elif p.is_dir() and ((p / "dataset_info.json").exists() or (p / "dataset_dict.json").exists()):
        articles = list(_read_hf(str(p)))
    elif p.is_dir() and (any(p.glob("*.jsonl")) or any(p.glob("*.csv"))):
        articles = [a for f in sorted([*p.glob("*.jsonl"), *p.glob("*.csv")]) for a in read_articles(f)]
    elif p.suffix == ".jsonl" and p.is_file():
        articles = [_article(row, where, str(p)) for where, row in _jsonl(p)]
    elif p.suffix == ".csv" and p.is_file():
        articles = [_article(row, where, str(p)) for where, row in _csv(p)]
    elif _is_table_file(p):  # gzipped JSONL or CSV
        articles = []
        for record in _iter_one(p, str(p)):
            if record.error:
                raise DataError(record.error)
            articles.append(record.article)
    elif not p.exists():
        articles = list(_read_hf(str(path)))  # a dataset name in the local cache, or a clear DataError
    else:
        raise DataError(f"{path}: not a folder of .txt, a .jsonl or .csv file, or a saved Hugging Face dataset")
    seen: set[str] = set()
    for a in articles:
        if a.id in seen:
            raise DataError(f"{path}: duplicate article id {a.id!r}")
        seen.add(a.id)
    return articles


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
