"""Counts of the field's dictionaries and the speed of the CAMEO verb matcher (not part of the tests).

Usage::

    python bench/field_dict.py [--corpus data/corpus/wire.jsonl] [--repeats 5]

Prints what ``training.field`` reads from ``data/field/`` (synonym sets, verb blocks, verbs, verb forms,
patterns; Phoenix entries and rows by kind, names, people with dated terms, conflicts with the
project's own ``data/actors/``), then runs :func:`training.field.find_events` over every sentence of
the corpus files (articles' ``text``, split at ``. ! ?`` followed by a space and a capital) on one
core and reports sentences and characters per second (best of ``--repeats`` passes).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.field.match import VerbMatcher  # noqa: E402
from training.field.overlap import conflicts  # noqa: E402
from training.field.phoenix import load_phoenix, phoenix_rows  # noqa: E402
from training.field.verbs import load_verbs  # noqa: E402

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def sentences(paths: list[Path]) -> list[str]:
    """Sentences of the ``text`` field of every JSONL row of ``paths``."""
    out = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in filter(str.strip, fh):
                out += [s for s in _SPLIT.split(json.loads(line).get("text", "")) if s.strip()]
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the counts and the matcher's speed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, action="append", help="JSONL articles (repeatable; default wire.jsonl)")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    corpus = args.corpus or [ROOT / "data" / "corpus" / "wire.jsonl"]

    t0 = time.perf_counter()
    lexicon = load_verbs()
    t1 = time.perf_counter()
    matcher = VerbMatcher(lexicon)
    t2 = time.perf_counter()
    print("verb dictionary:", json.dumps(lexicon.counts()), f"skipped by reason {dict(lexicon.skipped)}")
    print(f"  parse {t1 - t0:.2f} s, index {t2 - t1:.2f} s, forms listed under two verbs: {matcher.duplicate_forms}")
    codes = collections.Counter(p.code[:2] for ps in lexicon.patterns.values() for p in ps if p.code)
    print("  patterns by root:", dict(sorted(codes.items())))

    entries = load_phoenix()
    rows = phoenix_rows(entries)
    people = [r for r in rows if r["kind"] == "person"]
    print("phoenix entries by file:", {k: len(v) for k, v in entries.items()})
    print("phoenix rows by kind:", dict(collections.Counter(r["kind"] for r in rows)))
    print(f"  names (primary + synonyms, all rows): {sum(1 + len(r['aliases']) for r in rows)}; "
          f"people with dated terms: {len({r['source'] for r in people})} ({len(people)} terms, "
          f"{sum(r['end'] is None for r in people)} open-ended)")
    clash = conflicts(rows)
    print(f"  conflicts with data/actors: {len(clash)}", dict(collections.Counter(c["where"] for c in clash)))

    texts = sentences(corpus)
    chars = sum(map(len, texts))
    events = sum(len(matcher.find(s)) for s in texts)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        for s in texts:
            matcher.find(s)
        best = min(best, time.perf_counter() - start)
    print(f"matcher: {len(texts)} sentences ({chars} characters) from {', '.join(p.name for p in corpus)}; "
          f"{events} events; {len(texts) / best:,.0f} sentences/s, {chars / best / 1e6:.2f} M chars/s (one core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
