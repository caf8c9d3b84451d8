"""The dyad table on disk: its columns, writing it as Parquet / CSV / JSONL by extension, reading it back.

Every file is written atomically (:func:`training.archive.parts.atomic_path`): a reader, or a restarted
run, sees either the whole file or none of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from training.archive.parts import atomic_path
from training.articles import LABELS, DataError
from training.csvcells import protect, unprotect

if TYPE_CHECKING:
    import pandas

__all__ = ["TABLE_SCHEMA", "SENTENCE_SCHEMA", "EVENT_SCHEMA", "QUAD_COLUMNS", "TABLE_COLUMNS", "FORMATS",
           "write_table", "table_format", "read_table", "table_metadata"]

FORMATS = (".parquet", ".csv", ".jsonl")
METADATA_KEY = b"geostance"

_ACTORS = [("source", pa.string()), ("source_name", pa.string()), ("source_kind", pa.string()),
           ("target", pa.string()), ("target_name", pa.string()), ("target_kind", pa.string())]
_PROBS = [("stance", pa.string()), ("p_support", pa.float64()), ("p_oppose", pa.float64()),
          ("p_neutral", pa.float64())]
_QUADS = [("n_quad1", pa.int64()), ("n_quad2", pa.int64()), ("n_quad3", pa.int64()), ("n_quad4", pa.int64()),
          ("n_coded", pa.int64()), ("goldstein_mean", pa.float64())]
#: the dyad row's event columns (:func:`training.events.dyad_counts`)
QUAD_COLUMNS = tuple(name for name, _ in _QUADS)
_EVENT = [("cameo_code", pa.string()), ("cameo_root", pa.string()), ("quad_class", pa.int64()),
          ("quad_source", pa.string()), ("quad_probability", pa.float64()), ("goldstein", pa.float64()),
          ("event_text", pa.string()), ("event_start", pa.int64()), ("event_end", pa.int64())]
#: one row per article x directed pair (the shared interface of archive coding)
TABLE_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("date", pa.string()), *_ACTORS, *_PROBS, ("n_sentences", pa.int64()),
    ("sentence_indices", pa.list_(pa.int64())), ("sentence_starts", pa.list_(pa.int64())),
    ("sentence_ends", pa.list_(pa.int64())), *_QUADS,
])
#: with ``--sentences``: one row per sentence x directed pair
SENTENCE_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("date", pa.string()), ("sentence_index", pa.int64()),
    ("sentence_start", pa.int64()), ("sentence_end", pa.int64()), *_ACTORS, *_PROBS, *_EVENT,
    ("sentence", pa.string()),
])
#: with ``--events``: one row per sentence x directed pair that reports an event (README, "The event table")
EVENT_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("date", pa.string()), *_ACTORS, ("cameo_code", pa.string()),
    ("cameo_base", pa.string()), ("cameo_root", pa.string()), ("quad_class", pa.int64()), ("quad_source", pa.string()),
    ("quad_probability", pa.float64()), ("goldstein", pa.float64()), *_PROBS, ("doc_id", pa.string()),
    ("sentence_index", pa.int64()), ("sentence_start", pa.int64()), ("sentence_end", pa.int64()),
    ("event_text", pa.string()), ("event_start", pa.int64()), ("event_end", pa.int64()),
])


def table_format(path: str | Path) -> str:
    """The table format of ``path`` from its extension.

    Raises
    ------
    ValueError
        If the extension is not one of :data:`FORMATS`.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: unknown table format {suffix or '(none)'!r}; expected {', '.join(FORMATS)}")
    return suffix


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value)
    if isinstance(value, float):
        return repr(value)
    return protect(str(value)) if isinstance(value, str) else str(value)


def _write_csv(tables: Sequence[pa.Table], tmp: Path, schema: pa.Schema) -> None:
    import csv

    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(schema.names)
        for t in tables:
            for row in t.to_pylist():
                writer.writerow([_csv_cell(row[c]) for c in schema.names])


def _write_jsonl(tables: Sequence[pa.Table], tmp: Path) -> None:
    with tmp.open("w", encoding="utf-8") as fh:
        for t in tables:
            for row in t.to_pylist():
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_table(tables: Sequence[pa.Table] | Iterator[pa.Table], path: str | Path, schema: pa.Schema, *,
                metadata: dict | None = None) -> int:
    """Write record batches as one table, atomically, in the format of ``path``'s extension.

    Parameters
    ----------
    tables : iterable of pyarrow.Table
        Parts with ``schema``, written in the given order; consumed one at a time, so memory holds one
        part for Parquet and JSONL.
    path : str or path-like
        ``.parquet``, ``.csv`` (list columns as JSON arrays) or ``.jsonl``.
    schema : pyarrow.Schema
    metadata : dict, optional
        The run's counts (``Summary.metadata()``), stored as JSON under the key ``geostance`` of the
        Parquet schema's metadata (:func:`table_metadata` reads it); CSV and JSONL have no place for it.

    Returns
    -------
    int
        Rows written.
    """
    fmt = table_format(path)
    n = 0
    with atomic_path(path) as tmp:
        if fmt == ".parquet":
            file_schema = schema
            if metadata is not None:
                file_schema = schema.with_metadata({**(schema.metadata or {}),
                                                    METADATA_KEY: json.dumps(metadata, sort_keys=True).encode()})
            with pq.ParquetWriter(tmp, file_schema) as writer:
                for t in tables:
                    writer.write_table(t.cast(file_schema))
                    n += t.num_rows
        else:
            counted = []

            def count(ts):
                for t in ts:
                    counted.append(t.num_rows)
                    yield t

            if fmt == ".csv":
                _write_csv(count(tables), tmp, schema)
            else:
                _write_jsonl(count(tables), tmp)
            n = sum(counted)
    return n


def table_metadata(path: str | Path) -> dict:
    """The run's counts stored in a Parquet dyad table (``{}`` for CSV/JSONL or a table without them).

    Returns
    -------
    dict
        ``articles``, ``sentences``, ``dyads``, ``skipped`` (articles by reason), ``unsupported_language``
        (articles not in English) and ``languages`` (those articles by detected language).

    Raises
    ------
    DataError
        If the Parquet file cannot be read.
    """
    if Path(path).suffix.lower() != ".parquet":
        return {}
    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta[METADATA_KEY]) if METADATA_KEY in meta else {}
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise DataError(f"{path}: unreadable table metadata ({type(exc).__name__})") from None


TABLE_COLUMNS = ("doc_id", "date", "source", "source_name", "source_kind", "target", "target_name",
                 "target_kind", "stance", "p_support", "p_oppose", "p_neutral", "n_sentences",
                 "sentence_indices", "sentence_starts", "sentence_ends")
_LIST_COLUMNS = ("sentence_indices", "sentence_starts", "sentence_ends")


def read_table(path: str | Path) -> pandas.DataFrame:
    """Read a dyad table written by ``python -m training.predict --articles ... --out PATH``.

    Parameters
    ----------
    path : str or path-like
        ``.parquet``, ``.csv`` (list columns as JSON arrays) or ``.jsonl``.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`TABLE_COLUMNS` (and any others the file holds); ``date`` as ``datetime64``
        (NaT when unknown); list columns as Python lists.

    Raises
    ------
    DataError
        If the file is missing, of another format, unreadable, or lacks a column (named).
    """
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise DataError(f"{path}: no such file")
    try:
        if p.suffix == ".parquet":
            table = pd.read_parquet(p)
        elif p.suffix == ".csv":
            table = pd.read_csv(p, dtype={"doc_id": str, "source": str, "target": str}, keep_default_na=False,
                                na_values={"date": [""], "p_support": [""], "p_oppose": [""], "p_neutral": [""]})
        elif p.suffix == ".jsonl":
            table = pd.read_json(p, lines=True, dtype={"doc_id": str, "date": str})
        else:
            raise DataError(f"{path}: unknown table format {p.suffix!r}; expected .parquet, .csv or .jsonl")
    except DataError:
        raise
    except Exception as exc:  # pyarrow, csv and json readers raise many types
        raise DataError(f"{path}: unreadable table ({type(exc).__name__})") from None
    missing = [c for c in TABLE_COLUMNS if c not in table.columns]
    if missing and not table.empty:
        raise DataError(f"{path}: not a dyad table, missing column(s) {', '.join(missing)}")
    if table.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TABLE_COLUMNS}).astype({"date": "datetime64[ns]"})
    if p.suffix == ".csv":  # text cells were written with an apostrophe before a formula character
        for c in table.columns:
            if c not in _LIST_COLUMNS and not pd.api.types.is_numeric_dtype(table[c]):
                table[c] = table[c].map(unprotect)
    for c in _LIST_COLUMNS:
        if p.suffix == ".csv":
            table[c] = [json.loads(v) if isinstance(v, str) and v else [] for v in table[c]]
        else:
            table[c] = [list(v) if v is not None else [] for v in table[c]]
    dates = table["date"].replace({"": None, "None": None, "nan": None})
    table["date"] = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
    bad = table["stance"][~table["stance"].isin(LABELS)]
    if len(bad):
        raise DataError(f"{path}: row {int(bad.index[0]) + 1}: stance {str(bad.iloc[0])[:20]!r} is not one of "
                        f"{', '.join(LABELS)}")
    return table
