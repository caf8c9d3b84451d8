"""Writing the dyad table: atomic files, the table's columns, Parquet / CSV / JSONL by extension.

Every file is written to a temporary name in its own folder, flushed and moved into place with
``os.replace``, so a reader (or a restarted run) sees either the whole file or none of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["TABLE_SCHEMA", "SENTENCE_SCHEMA", "FORMATS", "PartStore", "atomic_path", "atomic_write_text", "write_table",
           "table_format"]

FORMATS = (".parquet", ".csv", ".jsonl")

_ACTORS = [("source", pa.string()), ("source_name", pa.string()), ("source_kind", pa.string()),
           ("target", pa.string()), ("target_name", pa.string()), ("target_kind", pa.string())]
_PROBS = [("stance", pa.string()), ("p_support", pa.float64()), ("p_oppose", pa.float64()),
          ("p_neutral", pa.float64())]
#: one row per article x directed pair (the shared interface of archive coding)
TABLE_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("date", pa.string()), *_ACTORS, *_PROBS, ("n_sentences", pa.int64()),
    ("sentence_indices", pa.list_(pa.int64())), ("sentence_starts", pa.list_(pa.int64())),
    ("sentence_ends", pa.list_(pa.int64())),
])
#: with ``--sentences``: one row per sentence x directed pair
SENTENCE_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("date", pa.string()), ("sentence_index", pa.int64()),
    ("sentence_start", pa.int64()), ("sentence_end", pa.int64()), *_ACTORS, *_PROBS, ("sentence", pa.string()),
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


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``, moved onto it when the block ends without an error.

    The temporary name keeps the extension, so writers that choose a format by it still work.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


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


def write_table(tables: Sequence[pa.Table] | Iterator[pa.Table], path: str | Path, schema: pa.Schema) -> int:
    """Write record batches as one table, atomically, in the format of ``path``'s extension.

    Parameters
    ----------
    tables : iterable of pyarrow.Table
        Parts with ``schema``, written in the given order; consumed one at a time, so memory holds one
        part for Parquet and JSONL.
    path : str or path-like
        ``.parquet``, ``.csv`` (list columns as JSON arrays) or ``.jsonl``.
    schema : pyarrow.Schema

    Returns
    -------
    int
        Rows written.
    """
    fmt = table_format(path)
    n = 0
    with atomic_path(path) as tmp:
        if fmt == ".parquet":
            with pq.ParquetWriter(tmp, schema) as writer:
                for t in tables:
                    writer.write_table(t.cast(schema))
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


class PartStore:
    """The parts of one run, in ``<out>.parts/``: ``part-NNNNNN.parquet`` with its counts in a ``.json``.

    ``manifest.json`` holds the hash of the arguments that decide the rows; a restarted run with the same
    hash reuses every finished part, and one with other arguments is refused, so parts of two runs never
    mix. A part counts as finished once its ``.json`` exists, which is written after its Parquet file.
    A lock file keeps two runs from writing the same parts at once.

    Parameters
    ----------
    out : path-like
        The final table; the parts go beside it.
    """

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.dir = self.out.with_name(self.out.name + ".parts")
        self._lock = None

    def open(self, key: str, arguments: dict) -> int:
        """Create or reopen the folder for a run with hash ``key``; return how many parts are finished.

        Raises
        ------
        RuntimeError
            If the folder holds parts of a run with other arguments, or another run holds its lock.
        """
        import fcntl

        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.dir / ".lock", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            self._lock = None
            raise RuntimeError(f"{self.dir}: another run is writing these parts") from None
        manifest = self.dir / "manifest.json"
        if manifest.exists():
            try:
                saved = json.loads(manifest.read_text(encoding="utf-8")).get("key")
            except (OSError, json.JSONDecodeError):
                saved = None
            if saved != key:
                self.close()
                raise RuntimeError(f"{self.dir} holds the parts of a run with other arguments (inputs, model, "
                                   "--actors, --sentences, --chunk-size or limits); give the same arguments to "
                                   "resume it, or delete the folder to start again")
        else:
            atomic_write_text(manifest, json.dumps({"key": key, "arguments": arguments}, indent=2, default=str))
        return sum(1 for _ in self.dir.glob("part-*.json"))

    def _path(self, index: int, suffix: str) -> Path:
        return self.dir / f"part-{index:06d}{suffix}"

    def done(self, index: int) -> dict | None:
        """The counts of finished part ``index``, or None."""
        path = self._path(index, ".json")
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def write(self, index: int, table: pa.Table, stats: dict) -> None:
        """Write part ``index`` atomically: its rows, then its counts."""
        with atomic_path(self._path(index, ".parquet")) as tmp:
            pq.write_table(table, tmp)
        atomic_write_text(self._path(index, ".json"), json.dumps(stats))

    def tables(self, n: int) -> Iterator[pa.Table]:
        """Parts 0 .. n-1 in order, one at a time."""
        for i in range(n):
            yield pq.read_table(self._path(i, ".parquet"))

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def remove(self) -> None:
        """Delete the folder (after the final table is in place)."""
        import shutil

        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)
