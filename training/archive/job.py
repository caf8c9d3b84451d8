"""Code a news archive into a dyad table: ``python -m training.predict --articles PATH --out dyads.parquet``.

The archive is streamed in partitions of ``--chunk-size`` articles (memory stays flat). Each partition is
coded on the service's path (:mod:`training.archive.coding`), in this process, in ``--workers`` local
processes, or on a Dask cluster (``--dask ADDRESS`` or ``--dask local``), and written atomically into
``<out>.parts/``. A run stopped half-way and started again with the same arguments reuses the finished
parts; the final table is assembled from them in partition order (so the rows, and their order, are the
same in every mode) and moved into place atomically.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from training.archive.coding import _CODERS, Coder, CodingConfig, code_partition, model_key
from training.archive.execution import ArchiveError, Bar, Summary, account
from training.archive.execution import engine as make_engine
from training.archive.parts import PartStore, file_sha256
from training.archive.tables import EVENT_SCHEMA, table_format, write_table
from training.articles import ArticleRecord, DataError
from training.limits import DEFAULT_LIMITS, Limits
from training.model import DEFAULT_MODEL_PATH, ModelError, load_model
from training.reading import iter_articles

__all__ = ["ArchiveError", "Summary", "run", "main", "auto_chunk_size"]

log = logging.getLogger("training.archive")

MAX_CHUNK = 500  # articles per partition of a large archive: memory per worker stays flat
MIN_CHUNK = 10  # below this, a partition's overhead (hand-off, part file) outweighs its coding
TARGET_PARTS = 16  # a small archive is cut into this many partitions, so up to 16 workers share it


def _fingerprint(path: str) -> list:
    """An input's identity for resuming: its path and the sha256 of its bytes (of each file of a folder), so
    an edit that keeps the size and modification time is still seen."""
    p = Path(path)
    if p.is_file():
        return [str(p.resolve()), p.stat().st_size, file_sha256(p)]
    if p.is_dir():
        return [str(p.resolve()), sorted([f.name, f.stat().st_size, file_sha256(f)]
                                         for f in p.iterdir() if f.is_file())]
    return [path]  # a dataset name in the local Hugging Face cache


def _partitions(paths: Sequence[str], size: int, strict: bool) -> Iterator[tuple[int, list[ArticleRecord]]]:
    seen: set[str] = set()
    records = itertools.chain.from_iterable(iter_articles(p, seen=seen) for p in paths)
    for index in itertools.count():
        chunk = list(itertools.islice(records, size))
        if not chunk:
            return
        if strict:
            bad = next((r for r in chunk if r.article is None), None)
            if bad is not None:
                raise ArchiveError(f"{bad.error} (--strict stops at the first bad article)")
        yield index, chunk


def auto_chunk_size(paths: Sequence[str]) -> int:
    """Articles per partition sized to the input: ``ceil(n / 16)`` within [10, 500].

    Counts the articles (bad rows too) of ``paths`` up to ``16 * 500``; an archive that large gets 500. The
    size depends on the input alone, not on ``--workers``, so a run may resume in another mode.

    Returns
    -------
    int

    Raises
    ------
    DataError
        If an input cannot be read as articles (missing, empty, a CSV without ``id`` or ``text``).
    """
    seen: set[str] = set()
    records = itertools.chain.from_iterable(iter_articles(p, seen=seen) for p in paths)
    n = sum(1 for _ in itertools.islice(records, TARGET_PARTS * MAX_CHUNK))
    return min(MAX_CHUNK, max(MIN_CHUNK, -(-n // TARGET_PARTS)))


def run(paths: Sequence[str], out: str | Path, *, model_path: str | Path = DEFAULT_MODEL_PATH,
        actors: Sequence[str] | None = None, sentences: bool = False, workers: int = 1, dask=None,
        strict: bool = False, chunk_size: int | None = None, limits: Limits = DEFAULT_LIMITS,
        max_parts: int | None = None, progress: bool = True, events: str | Path | None = None) -> Summary:
    """Code the articles of ``paths`` into the dyad table ``out``.

    Parameters
    ----------
    paths : sequence of str
        Article inputs, each in a form :func:`training.reading.iter_articles` reads.
    out : str or path-like
        ``.parquet``, ``.csv`` or ``.jsonl``.
    model_path : str or path-like, default=DEFAULT_MODEL_PATH
    actors : sequence of str, optional
        Keep only pairs among these actors (codes or names of the dictionary).
    sentences : bool, default=False
        One row per sentence x pair.
    workers : int, default=1
        Local processes (1: this process); with ``dask="local"``, the cluster's workers.
    dask : str or distributed.Client, optional
        A scheduler address, ``"local"``, or a client.
    strict : bool, default=False
        Stop at the first bad article instead of skipping it.
    chunk_size : int, optional
        Articles per partition (and per part file); by default sized to the input (:func:`auto_chunk_size`).
    limits : Limits, default=DEFAULT_LIMITS
    max_parts : int, optional
        Stop after writing this many new parts (to test resumption); the result is not complete.
    progress : bool, default=True
        A tqdm bar on stderr.
    events : str or path-like, optional
        Also write the event table there (``.parquet``, ``.csv`` or ``.jsonl``): one row per sentence x
        pair that reports an event.

    Returns
    -------
    Summary

    Raises
    ------
    ArchiveError, DataError, ModelError
        With a message naming the input, the part folder or the model.
    """
    table_format(out)
    if events is not None:
        table_format(events)
        if Path(events).resolve() == Path(out).resolve():
            raise ArchiveError("--events must name another file than --out")
    started = time.monotonic()
    if chunk_size is None:  # also reads every input once before the model loads: a bad one stops here
        chunk_size = auto_chunk_size([str(p) for p in paths])
    model = load_model(model_path)
    key = model_key(model)
    config = CodingConfig(str(Path(model_path).resolve()), key, None, sentences, limits, events is not None)
    _CODERS.setdefault((config.model_path, key), Coder(model, _dictionary()))
    if actors is not None:
        config = dataclasses.replace(config, actors=_resolve_actors(actors))
    arguments = {"inputs": [_fingerprint(str(p)) for p in paths], "model": key, "actors": config.actors,
                 "sentences": sentences, "chunk_size": chunk_size, "limits": dataclasses.asdict(limits), "v": 3,
                 "events": events is not None}
    digest = hashlib.sha256(json.dumps(arguments, sort_keys=True, default=str).encode()).hexdigest()
    store, summary = PartStore(out), Summary()
    store.open(digest, arguments)
    engine = make_engine(dask, workers)
    bar = Bar(unit=" articles", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    pending, written, n_parts, stopped = set(), 0, 0, False
    inflight = 1 if engine.inline else 2 * max(workers, len(getattr(engine, "workers", ())), 1)

    def harvest(done):
        nonlocal written
        for f in done:
            pending.discard(f)
            index, table, stats, event_rows = f.result()
            bad = [s for s in stats["skipped"] if s["reason"] != "unsupported_language"]  # not broken: skipped
            if strict and bad:
                raise ArchiveError(f"{bad[0]['detail']} (--strict stops at the first bad article)")
            store.write(index, table, stats, event_rows)
            written += 1
            account(summary, stats, bar, started)

    failed = True
    try:
        for index, records in _partitions([str(p) for p in paths], chunk_size, strict):
            n_parts = index + 1
            stats = store.done(index)
            if stats is not None:
                summary.reused += 1
                account(summary, stats, bar, started)
                continue
            if max_parts is not None and written + len(pending) >= max_parts:
                stopped = True
                break
            while len(pending) >= inflight:
                harvest(engine.wait_first(pending))
            pending.add(engine.submit(code_partition, index, records, config))
        while pending:
            harvest(engine.wait_first(pending))
        failed = False
    except (ArchiveError, DataError):
        raise
    except ModelError as exc:
        raise ArchiveError(str(exc)) from None
    finally:
        for f in pending:
            f.cancel()
        engine.close()
        bar.close()
        if failed:  # a run that wrote no part leaves no folder to block the next one
            store.remove_if_unused()
        store.close()
    summary.recoded = len(store.damaged)
    summary.seconds = time.monotonic() - started
    if stopped:
        return summary
    if events is not None:
        summary.events = write_table(store.tables(n_parts, ".events.parquet"), events, EVENT_SCHEMA,
                                     metadata=summary.metadata())
    write_table(store.tables(n_parts), out, config.schema, metadata=summary.metadata())
    store.remove()
    summary.seconds = time.monotonic() - started
    summary.complete = True
    return summary


def _dictionary():
    from training.actors import default_dictionary

    return default_dictionary()


def _resolve_actors(names: Sequence[str]) -> tuple[str, ...]:
    dictionary = _dictionary()
    codes = []
    for name in names:
        actor = dictionary.resolve(name)
        if actor is None:
            raise ArchiveError(f"--actors: {name.strip()[:40]!r} is not an actor of the dictionary")
        codes.append(actor.code)
    return tuple(sorted(set(codes)))


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value[:20]!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m training.predict",
                                 description="Code a news archive into a table of directed dyads with their stance.")
    ap.add_argument("--articles", action="append", required=True, metavar="PATH",
                    help="articles (repeatable): a folder of .txt, a .jsonl/.jsonl.gz/.csv file or a folder of "
                         "them, or a Hugging Face dataset (saved folder or cached name, read offline)")
    ap.add_argument("--out", required=True, type=Path, help="dyad table: .parquet, .csv or .jsonl")
    ap.add_argument("--sentences", action="store_true", help="one row per sentence x pair instead of article x pair")
    ap.add_argument("--events", type=Path, metavar="PATH",
                    help="also write the event table (one row per sentence x pair that reports an event: CAMEO "
                         "code and root, quad class, Goldstein score): .parquet, .csv or .jsonl")
    ap.add_argument("--actors", help="keep only pairs among these actors, comma-separated (codes or names)")
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH, help="model (default: %(default)s)")
    ap.add_argument("--workers", type=_positive, default=1, help="local processes (default: %(default)s)")
    ap.add_argument("--dask", metavar="ADDRESS", help="run on a Dask cluster: a scheduler address, or 'local'")
    ap.add_argument("--strict", action="store_true", help="stop at the first bad article instead of skipping it")
    ap.add_argument("--chunk-size", type=_positive,
                    help=f"articles per part (default: sized to the input, {MIN_CHUNK} to {MAX_CHUNK})")
    ap.add_argument("--max-parts", type=_positive, help="stop after writing N new parts (a later run resumes)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m training.predict``; returns an exit code (3: stopped by --max-parts)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        table_format(args.out)
        if args.events is not None:
            table_format(args.events)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    actors = [a for a in args.actors.split(",") if a.strip()] if args.actors else None
    try:
        summary = run(args.articles, args.out, model_path=args.model, actors=actors, sentences=args.sentences,
                      workers=args.workers, dask=args.dask, strict=args.strict, chunk_size=args.chunk_size,
                      max_parts=args.max_parts, progress=not args.no_progress, events=args.events)
    except (ArchiveError, DataError, ModelError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: the finished parts in {args.out}.parts/ are kept; run the same command again to "
              "continue", file=sys.stderr)
        return 130
    print(summary.report(), file=sys.stderr)
    if not summary.complete:
        print(f"stopped after {args.max_parts} new parts; run the same command again to continue", file=sys.stderr)
        return 3
    print(f"wrote {args.out}" + (f" and {args.events} ({summary.events:,} events)" if args.events else ""),
          file=sys.stderr)
    return 0
