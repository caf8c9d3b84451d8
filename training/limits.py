"""Bounds on the work one text may cost: caps on mentions and pairs, and a time budget.

Every path that reads a text (training, the service, archive coding) goes through the same example
building, so the same caps hold everywhere. A text that exceeds a cap raises :class:`LimitExceeded`
naming the cap, its value and the setting that changes it; the caller decides whether that is a 413
(the service), a skipped article (the archive) or an error (training).

A :class:`Budget` is checked between units of work (sentences, scoring batches). It raises
:class:`BudgetExceeded` once its time is spent or once it is cancelled (the service cancels it when the
client has gone), so abandoned work stops instead of running on.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

__all__ = ["Limits", "DEFAULT_LIMITS", "MAX_PERIODS", "LimitExceeded", "Budget", "BudgetExceeded"]


@dataclass(frozen=True)
class Limits:
    """Caps on the work one text may cost.

    Attributes
    ----------
    max_mentions_per_sentence : int, default=100
        Actor mentions in one sentence.
    max_pairs_per_sentence : int, default=240
        Directed pairs of distinct actors in one sentence (n actors give n * (n - 1); 240 is 16 actors).
    max_dyads : int, default=2000
        Directed pairs (sentence x source x target examples) in one text.
    max_text_chars : int, default=100000
        Characters of one text (the service's ``GEOSTANCE_MAX_TEXT_CHARS``; archive coding skips a longer
        article).
    """

    max_mentions_per_sentence: int = 100
    max_pairs_per_sentence: int = 240
    max_dyads: int = 2000
    max_text_chars: int = 100_000


DEFAULT_LIMITS = Limits()
#: most periods one dyad series may span (27 years of days, 190 of weeks); a longer one is refused, not built
MAX_PERIODS = 10_000


class LimitExceeded(ValueError):
    """A text needs more work than a cap allows.

    Attributes
    ----------
    limit : str
        The cap's name, as in :class:`Limits` (``"max_dyads"``).
    value : int
        The cap.
    found : int
        What the text would need (at least).
    """

    def __init__(self, limit: str, value: int, found: int, what: str):
        super().__init__(f"{what}: {found} found, the limit is {value} ({limit})")
        self.limit, self.value, self.found = limit, value, found


class BudgetExceeded(RuntimeError):
    """The time budget of a piece of work is spent, or the work was cancelled."""


class Budget:
    """A deadline that work checks between its steps; thread-safe cancellation.

    Parameters
    ----------
    seconds : float or None
        Time allowed from now; None for no deadline (cancellation still works).
    """

    def __init__(self, seconds: float | None = None):
        self.seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Make the next :meth:`check` raise (e.g. the client disconnected)."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise :class:`BudgetExceeded` if the budget is spent or cancelled."""
        if self._cancelled.is_set():
            raise BudgetExceeded("the work was cancelled")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BudgetExceeded(f"the time budget of {self.seconds:g} s is spent")
