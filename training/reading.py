"""Reading articles: folders of ``.txt``, JSONL or CSV files (plain or gzipped), saved or cached Hugging Face
datasets; all at once (:func:`read_articles`) or streamed one at a time (:func:`iter_articles`).

Every reader checks its rows and raises :class:`~training.articles.DataError` naming the file and line (or
row) of the first bad one; the stream yields a bad row with its reason instead, and the caller decides.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

from training.articles import Article, ArticleRecord, DataError, _jsonl, _str_field, parse_date, text_lines
from training.csvcells import csv_records

__all__ = ["read_articles", "iter_articles"]


REQUIRED_COLUMNS = ("id", "text")


def _check_header(fieldnames, path: Path) -> None:
    """A CSV of articles needs the columns ``id`` and ``text``: without one, no row could be read."""
    missing = [c for c in REQUIRED_COLUMNS if c not in (fieldnames or ())]
    if fieldnames is None:
        raise DataError(f"{path}: no articles in this file (it is empty)")
    if missing:
        raise DataError(f"{path}:1: the header has no column {' or '.join(repr(c) for c in missing)}; articles "
                        f"need the columns id and text (optional: title, date, url)")


def _csv(path: Path) -> Iterator[tuple[str, dict]]:
    reader = csv.DictReader(text_lines(path))
    try:
        _check_header(reader.fieldnames, path)
        for row in reader:
            yield f"{path}:{reader.line_num}", row
    except csv.Error as exc:
        raise DataError(f"{path}:{reader.line_num}: not a readable CSV row ({exc})") from None


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
        raw = "".join(text_lines(path))
        title, _, body = raw.partition("\n")
        if not body.strip():
            raise DataError(f"{path}:1: article has a title line but no text")
        yield Article(id=path.stem, text=body, title=title.strip(), origin=str(path))


def _load_hf(spec: str):
    """The train split (or first split) of a saved or cached Hugging Face dataset, read offline."""
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
    return ds


def _read_hf(spec: str) -> Iterator[Article]:
    for i, row in enumerate(_load_hf(spec)):
        yield _article(row, f"{spec}: row {i}", spec)


def _read_hf_rows(spec: str) -> Iterator[dict]:
    """The rows of a saved or cached Hugging Face dataset, streamed."""
    ds = _load_hf(spec)
    for batch in ds.iter(batch_size=256):
        keys = list(batch)
        for values in zip(*(batch[k] for k in keys)):
            yield dict(zip(keys, values))


def _is_table_file(p: Path) -> bool:
    return p.is_file() and (p.name.endswith((".jsonl", ".csv", ".jsonl.gz", ".csv.gz")))


def _open_text(path: Path, errors: str = "strict"):
    # utf-8-sig: a byte-order mark (a CSV saved by Excel) is dropped, not read into the first column's name
    return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", errors=errors, newline="") \
        if path.suffix == ".gz" else path.open(encoding="utf-8-sig", errors=errors, newline="")


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
            with _open_text(path, errors="surrogateescape") as fh:
                yield from csv_records(fh, str(path))
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
        if p.name.endswith((".csv", ".csv.gz")):
            with _open_text(p) as fh:
                try:
                    _check_header(csv.DictReader(fh).fieldnames, p)
                except (UnicodeDecodeError, csv.Error):
                    pass  # the rows' reader names it
        elif p.stat().st_size == 0:
            raise DataError(f"{p}: no articles in this file (it is empty)")
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
    if not articles:
        raise DataError(f"{path}: no articles (the file or dataset holds no row)")
    seen: set[str] = set()
    for a in articles:
        if a.id in seen:
            raise DataError(f"{path}: duplicate article id {a.id!r}")
        seen.add(a.id)
    return articles
