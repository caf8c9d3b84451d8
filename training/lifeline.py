"""Worker processes that do not outlive the process that started them.

A pool worker (archive coding's ``--workers``, the joblib/loky workers of ``training.fit``'s grid search)
runs :func:`watch_parent` once when it starts. A daemon thread then checks every half second whether its
parent is still the process that started it; once the parent has gone (``kill -9``, ``kill``, a crash),
the worker exits at once instead of running on, orphaned, with the parent's resources.
"""

from __future__ import annotations

import os
import threading
import time

__all__ = ["watch_parent", "POLL_S"]

POLL_S = 0.5


def _watch(parent: int, poll: float) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(70)  # the parent is gone: nothing will read this worker's results
        time.sleep(poll)


def watch_parent(parent: int, poll: float = POLL_S) -> None:
    """Exit this process as soon as its parent is no longer ``parent`` (a pool's initializer).

    Parameters
    ----------
    parent : int
        The pid of the process that started this one, taken in that process (``os.getpid()``) so that a
        parent that died before the worker started is noticed too.
    poll : float, default=POLL_S
        Seconds between checks.
    """
    if os.getppid() != parent:
        os._exit(70)
    threading.Thread(target=_watch, args=(parent, poll), name="geostance-lifeline", daemon=True).start()
