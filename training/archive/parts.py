"""Atomic files and the parts of one archive run.

Every file is written to a temporary name in its own folder, flushed and moved into place with
``os.replace``, so a reader (or a restarted run) sees either the whole file or none of it. A run writes
each finished partition as a part (:class:`PartStore`), so that a run stopped half-way resumes.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["PartStore", "atomic_path", "atomic_write_text"]


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

    def write(self, index: int, table: pa.Table, stats: dict, events: pa.Table | None = None) -> None:
        """Write part ``index`` atomically: its rows (and event rows), then its counts."""
        if events is not None:
            with atomic_path(self._path(index, ".events.parquet")) as tmp:
                pq.write_table(events, tmp)
        with atomic_path(self._path(index, ".parquet")) as tmp:
            pq.write_table(table, tmp)
        atomic_write_text(self._path(index, ".json"), json.dumps(stats))

    def tables(self, n: int, suffix: str = ".parquet") -> Iterator[pa.Table]:
        """Parts 0 .. n-1 in order, one at a time (``suffix=".events.parquet"``: their event rows)."""
        for i in range(n):
            yield pq.read_table(self._path(i, suffix))

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def remove(self) -> None:
        """Delete the folder (after the final table is in place)."""
        import shutil

        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)
