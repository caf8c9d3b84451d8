"""CSV cells that a spreadsheet shows as text, never runs as a formula.

News text is third-party input: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel, LibreOffice and Google Sheets (CSV injection). Every CSV this project writes
(the dyad table, ``--sentences`` tables, annotation proposals) passes its text cells through
:func:`protect`, which prefixes such a cell with an apostrophe (a cell that already starts with one gets
another, so the escape is unambiguous); every CSV it reads back passes them through :func:`unprotect`,
so a value round-trips exactly.

:func:`csv_records` reads a CSV of articles record by record without letting one bad record take
others with it: bytes that are not UTF-8 spoil only their record, and an unclosed quote is reported
where it opens, the lines it swallowed read again as rows.
"""

from __future__ import annotations

import collections
import csv
import re
from collections.abc import Iterable, Iterator

__all__ = ["FORMULA_STARTS", "protect", "unprotect", "csv_records", "MAX_REREAD_LINES"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def protect(value: str) -> str:
    """``value`` with an apostrophe in front if a spreadsheet would read it as a formula (or it starts
    with an apostrophe)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unprotect(value):
    """Undo :func:`protect` on a cell read back (non-strings are returned as they are)."""
    return value[1:] if isinstance(value, str) and value.startswith("'") else value


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, as surrogateescape keeps them
MAX_REREAD_LINES = 1000  # lines after a broken CSV record read again as rows of their own


class _Lines:
    """The physical lines of a text file with their numbers; lines can be pushed back to be read again."""

    def __init__(self, fh):
        self._it = iter(fh)
        self._back: collections.deque = collections.deque()
        self._n = 0
        self.taken: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._back:
            item = self._back.popleft()
        else:
            self._n += 1
            item = (self._n, next(self._it))
        self.taken.append(item)
        return item[1]

    def push_back(self, items) -> None:
        self._back.extendleft(reversed(items))


def csv_records(fh: Iterable[str], path: str) -> Iterator[tuple[str, dict | None, str | None]]:
    """(where, row, error) for each record of a CSV file, ``where`` naming its first line.

    A record holding bytes that are not UTF-8 is reported alone and reading goes on. A broken record (a
    stray or unclosed quote, or one that spans lines and has the wrong number of fields, as an unclosed
    quote makes it) is reported at its first line, and the lines it swallowed (at most
    :data:`MAX_REREAD_LINES`) are read again as rows.

    Parameters
    ----------
    fh : iterable of str
        The file's lines, opened with ``newline=""`` and ``errors="surrogateescape"``.
    path : str
        Its name, for the messages.

    Yields
    ------
    (str, dict or None, str or None)
        ``"path:line"``, the row (header -> value) or None, and the error or None.
    """
    lines = _Lines(fh)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield f"{path}:1", None, f"{path}:1: unreadable CSV header ({exc})"
        return
    if _NOT_UTF8.search("".join(header)):
        yield f"{path}:1", None, f"{path}:1: the header is not UTF-8 text"
        return
    while True:
        lines.taken = []
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = f"broken CSV record ({exc}): a stray or unclosed quote?"
        else:
            if not fields:
                continue
            problem = None
            if len(lines.taken) > 1 and len(fields) != len(header):
                problem = (f"a record over lines {lines.taken[0][0]}-{lines.taken[-1][0]} with {len(fields)} "
                           f"fields for {len(header)} columns: an unclosed quote?")
        taken = lines.taken
        where = f"{path}:{taken[0][0] if taken else '?'}"
        if problem is not None:
            yield where, None, f"{where}: {problem}; the lines after it are read again as rows"
            lines.push_back(taken[1:MAX_REREAD_LINES + 1])
            reader = csv.reader(lines, strict=True)
            continue
        if any(_NOT_UTF8.search(f) for f in fields):
            yield where, None, f"{where}: not UTF-8 text"
            continue
        if len(fields) > len(header):
            yield where, None, f"{where}: more fields than the header names"
            continue
        yield where, dict(zip(header, fields)), None
