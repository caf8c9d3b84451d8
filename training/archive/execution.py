"""How a run of :mod:`training.archive` executes: its summary, its progress bar, and the three engines
that run partitions (this process, local processes, a Dask cluster), all behind ``submit`` and
``wait_first`` so that the run itself is the same in every mode.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from concurrent import futures

from tqdm import tqdm

__all__ = ["ArchiveError", "Summary", "Bar", "account", "engine"]


class ArchiveError(RuntimeError):
    """The run cannot go on: a bad article under ``--strict``, conflicting parts, a failed partition."""


@dataclasses.dataclass
class Summary:
    """What a run did. ``complete`` is False when it stopped before the end (``max_parts``)."""

    articles: int = 0
    sentences: int = 0
    dyads: int = 0
    no_known_words: int = 0
    events: int = 0
    skipped: list = dataclasses.field(default_factory=list)
    parts: int = 0
    reused: int = 0
    recoded: int = 0
    seconds: float = 0.0
    complete: bool = False

    def add(self, stats: dict) -> None:
        for key in ("articles", "sentences", "dyads", "no_known_words", "events"):
            setattr(self, key, getattr(self, key) + stats.get(key, 0))
        self.skipped.extend(stats["skipped"])
        self.parts += 1

    def languages(self) -> dict[str, int]:
        """Articles skipped as not English, by detected language, most frequent first."""
        found = Counter(s.get("language", "und") for s in self.skipped if s["reason"] == "unsupported_language")
        return dict(found.most_common())

    def metadata(self) -> dict:
        """What the table's metadata records of the run: counts of articles coded and skipped by reason, and
        the languages of those not in English."""
        return {"articles": self.articles, "sentences": self.sentences, "dyads": self.dyads,
                "skipped": dict(Counter(s["reason"] for s in self.skipped).most_common()),
                "unsupported_language": sum(self.languages().values()), "languages": self.languages()}

    def report(self, *, show: int = 20) -> str:
        rate = self.sentences / self.seconds if self.seconds > 0 else 0.0
        reasons = Counter(s["reason"] for s in self.skipped)
        lines = [f"coded {self.articles:,} articles ({self.sentences:,} sentences) into {self.dyads:,} dyad rows "
                 f"in {self.seconds:.1f} s ({rate:,.0f} sentences/s; {self.parts} parts, {self.reused} reused)",
                 f"skipped {len(self.skipped):,} articles" + (": " + ", ".join(
                     f"{n} {r}" for r, n in sorted(reasons.items())) if reasons else "")]
        languages = self.languages()
        if languages:
            lines.append(f"not in English (not coded): {sum(languages.values()):,} articles ("
                         + ", ".join(f"{code} {n:,}" for code, n in languages.items()) + ")")
        lines += [f"  {s['detail']}" for s in self.skipped[:show]]
        if len(self.skipped) > show:
            lines.append(f"  ... and {len(self.skipped) - show:,} more")
        if self.recoded:
            lines.append(f"{self.recoded} damaged part(s) did not match their sha256 and were coded again")
        if self.no_known_words:
            lines.append(f"{self.no_known_words:,} pairs had no word the model knows and got no row")
        return "\n".join(lines)


class _Inline:
    """Runs partitions in this process, one at a time."""

    inline = True

    def submit(self, fn, *args):
        f = futures.Future()
        try:
            f.set_result(fn(*args))
        except Exception as exc:  # handed to the caller through the future, as the pools do
            f.set_exception(exc)
        return f

    def wait_first(self, pending):
        return set(pending)

    def close(self):
        pass


class _Pool:
    """N local processes. Where processes can fork (Linux), they start with the model this process has
    loaded already; elsewhere each loads it once, on its first partition. Each exits on its own once this
    process has gone (:func:`training.lifeline.watch_parent`), and none holds the parts' lock."""

    inline = False

    def __init__(self, workers: int):
        import multiprocessing
        import os

        from training.lifeline import watch_parent

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.pool = futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                                initializer=watch_parent, initargs=(os.getpid(),))

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args)

    def wait_first(self, pending):
        return futures.wait(pending, return_when=futures.FIRST_COMPLETED).done

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


class _Dask:
    """A ``dask.distributed`` client: an address, ``"local"`` (a LocalCluster), or a Client given."""

    inline = False

    def __init__(self, target, workers: int):
        from dask import distributed

        self.distributed, self.cluster, self.own = distributed, None, not isinstance(target, distributed.Client)
        if not self.own:
            self.client = target
        elif target == "local":
            self.cluster = distributed.LocalCluster(n_workers=max(workers, 1), threads_per_worker=1,
                                                    dashboard_address=None)
            self.client = distributed.Client(self.cluster)
        else:
            try:
                self.client = distributed.Client(target, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ArchiveError(f"--dask {target}: cannot reach the scheduler ({type(exc).__name__})") from None

        self.workers = list(self.client.scheduler_info().get("workers", {}))

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    def wait_first(self, pending):
        return self.distributed.wait(list(pending), return_when="FIRST_COMPLETED").done

    def close(self):
        if self.own:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()


class Bar(tqdm):
    monitor_interval = 0  # no monitor thread: worker processes are forked while the bar runs


def account(summary: Summary, stats: dict, bar, started: float) -> None:
    summary.add(stats)
    bar.update(stats["articles"] + len(stats["skipped"]))
    rate = summary.sentences / max(time.monotonic() - started, 1e-9)
    bar.set_postfix_str(f"{rate:,.0f} sentences/s, {summary.dyads:,} dyads", refresh=False)


def engine(dask, workers: int):
    """The engine for ``--dask`` (an address, ``"local"`` or a Client) or ``--workers``."""
    return _Dask(dask, workers) if dask is not None else _Pool(workers) if workers > 1 else _Inline()
