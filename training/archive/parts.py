"""Atomic files and the parts of one archive run.

Every file is written to a temporary name in its own folder, flushed and moved into place with
``os.replace``, so a reader (or a restarted run) sees either the whole file or none of it; it gets the
permissions a plain ``open`` would give it (``0666`` less the umask, or those of the file it replaces). A
run writes each finished partition as a part (:class:`PartStore`) with its sha256, so that a run stopped
half-way resumes and a damaged part is coded again instead of trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["PartStore", "atomic_path", "atomic_write_text", "file_sha256"]

log = logging.getLogger("training.archive")
_HELD_LOCKS: set[int] = set()  # lock descriptors a forked worker must not keep (see _release_in_child)


def _release_in_child() -> None:
    """In a forked child, point every inherited lock descriptor at /dev/null: the lock stays with the
    parent alone, so a worker that outlives it never blocks the next run."""
    if not _HELD_LOCKS:
        return
    null = os.open(os.devnull, os.O_RDONLY)
    for fd in _HELD_LOCKS:
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    os.close(null)
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_release_in_child)


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no /proc: read it by setting it (and put it back at once)
    os.umask(mask)
    return mask


def _new_file_mode(path: Path) -> int:
    """The mode ``path`` would get from a plain ``open``: its current mode if it exists, else 0666 - umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
        os.chmod(tmp, _new_file_mode(path))  # mkstemp makes it 0600: a service of another user could not read it
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
    hash reuses every finished part, and one with other arguments is refused while finished parts exist
    (a folder without any, left by a run that failed early, is taken over), so parts of two runs never
    mix. A part counts as finished once its ``.json`` exists, which is written after its Parquet file and
    records its index, rows and sha256: a part whose file no longer matches (a flipped bit, a truncated
    or swapped file) is deleted and coded again. A lock file keeps two runs from writing the same parts
    at once; forked workers do not inherit it.

    Parameters
    ----------
    out : path-like
        The final table; the parts go beside it.
    """

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.dir = self.out.with_name(self.out.name + ".parts")
        self._lock = None
        self.damaged: list[int] = []

    def open(self, key: str, arguments: dict) -> int:
        """Create or reopen the folder for a run with hash ``key``; return how many parts are finished.

        Raises
        ------
        RuntimeError
            If the folder holds finished parts of a run with other arguments, or another run holds its lock.
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
        _HELD_LOCKS.add(self._lock.fileno())
        for stale in self.dir.glob(".part-*"):  # temporary files of a run killed while writing
            stale.unlink(missing_ok=True)
        manifest = self.dir / "manifest.json"
        finished = self.finished()
        if manifest.exists():
            try:
                saved = json.loads(manifest.read_text(encoding="utf-8")).get("key")
            except (OSError, ValueError, AttributeError):
                saved = None
            if saved != key and finished:
                self.close()
                raise RuntimeError(f"{self.dir} holds the parts of a run with other arguments (inputs, model, "
                                   "--actors, --sentences, --chunk-size or limits); give the same arguments to "
                                   "resume it, or delete the folder to start again")
            if saved == key:
                return finished
        for leftover in self.dir.glob("part-*"):  # no finished part: nothing of another run to keep
            leftover.unlink(missing_ok=True)
        atomic_write_text(manifest, json.dumps({"key": key, "arguments": arguments}, indent=2, default=str))
        return 0

    def finished(self) -> int:
        """How many parts have their counts written (finished, not yet checked)."""
        return sum(1 for _ in self.dir.glob("part-*.json"))

    def _path(self, index: int, suffix: str) -> Path:
        return self.dir / f"part-{index:06d}{suffix}"

    def done(self, index: int) -> dict | None:
        """The counts of finished part ``index``, or None (also for a damaged part, which is deleted).

        A part is trusted only if its ``.json`` is intact, names this index, and the sha256 and row
        count it records match the Parquet file.
        """
        path = self._path(index, ".json")
        if not path.exists():
            return None
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            ok = (isinstance(record, dict) and record.get("index") == index
                  and record.get("sha256") == file_sha256(self._path(index, ".parquet"))
                  and pq.ParquetFile(self._path(index, ".parquet")).metadata.num_rows == record.get("rows")
                  and ("events_sha256" not in record
                       or record["events_sha256"] == file_sha256(self._path(index, ".events.parquet"))))
        except (OSError, ValueError, pa.ArrowException):
            ok = False
        if not ok:
            log.warning("%s: part %d is damaged (its file does not match the sha256 recorded when it was "
                        "written); coding it again", self.dir, index)
            self.damaged.append(index)
            path.unlink(missing_ok=True)
            self._path(index, ".parquet").unlink(missing_ok=True)
            return None
        return record["stats"]

    def write(self, index: int, table: pa.Table, stats: dict, events: pa.Table | None = None) -> None:
        """Write part ``index`` atomically: its rows (and event rows), then its counts with the rows' sha256."""
        record = {"index": index, "rows": table.num_rows, "stats": stats}
        if events is not None:
            with atomic_path(self._path(index, ".events.parquet")) as tmp:
                pq.write_table(events, tmp)
                record["events_sha256"] = file_sha256(tmp)
        with atomic_path(self._path(index, ".parquet")) as tmp:
            pq.write_table(table, tmp)
            record["sha256"] = file_sha256(tmp)
        atomic_write_text(self._path(index, ".json"), json.dumps(record))

    def tables(self, n: int, suffix: str = ".parquet") -> Iterator[pa.Table]:
        """Parts 0 .. n-1 in order, one at a time (``suffix=".events.parquet"``: their event rows).

        Raises
        ------
        RuntimeError
            If a part cannot be read (it changed after it was checked), naming the folder to delete.
        """
        for i in range(n):
            try:
                yield pq.read_table(self._path(i, suffix))
            except (OSError, pa.ArrowException):
                raise RuntimeError(f"{self._path(i, suffix)} cannot be read; run the same command again "
                                   f"(it codes that part again), or delete {self.dir} to start over") from None

    def close(self) -> None:
        if self._lock is not None:
            _HELD_LOCKS.discard(self._lock.fileno())
            self._lock.close()
            self._lock = None

    def remove(self) -> None:
        """Delete the folder (after the final table is in place)."""
        import shutil

        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def remove_if_unused(self) -> None:
        """Delete the folder if it holds no finished part (a run that failed before writing any)."""
        if self.dir.exists() and not self.finished():
            self.remove()
        else:
            self.close()
