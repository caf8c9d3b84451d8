"""The inputs of ``python -m training.fit``: which articles, annotations and labelled-pair files, and their
examples as a cached ``datasets.Dataset``.

The embedded default data is the commissioning article (``seeds/``), the authored corpus
(``data/corpus/`` with ``data/annotations/``) and the real news stories (``data/news/articles/`` with
``data/news/annotations/``; ``data/news/CARD.md``). The user's ``--articles`` and ``--annotations`` replace it,
or are added to it with ``--add-default``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from training.actors import DEFAULT_ACTORS_DIR
from training.articles import DataError, read_annotations, read_pairs, text_lines
from training.fitting.dataset import BuildReport, examples_from_articles, examples_from_pairs, sha256_file, to_dataset
from training.reading import read_articles

__all__ = ["DEFAULT_ARTICLES", "DEFAULT_ANNOTATIONS", "route_inputs", "article_paths", "annotation_files",
           "input_records", "build_dataset", "own_weights"]

log = logging.getLogger("training.fit")
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ARTICLES = [ROOT / "seeds", ROOT / "data" / "corpus", ROOT / "data" / "news" / "articles"]
DEFAULT_ANNOTATIONS = [ROOT / "data" / "annotations", ROOT / "data" / "news" / "annotations"]
# The modules whose code decides which examples are built: the example cache's key hashes their source.
EXAMPLE_CODE = ("training.text", "training.sentences", "training.actors", "training.actor_sources", "training.roles",
                "training.cameo", "training.document", "training.examples", "training.fitting.dataset",
                "training.articles", "training.reading", "training.fitting.trainset", "training.language")


def _is_pair_file(path: str) -> bool:
    """Whether ``path`` is labelled-pair JSONL (its first row has source, target and label)."""
    p = Path(path)
    if p.suffix != ".jsonl" or not p.is_file():
        return False
    first = next((line for line in text_lines(p) if line.strip()), "")
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and {"source", "target", "label"} <= set(row) and "text" in row


def route_inputs(args) -> None:
    """Labelled-pair files given with ``--articles`` are read as ``--data``: the format is accepted everywhere."""
    pairs = [p for p in args.articles or [] if _is_pair_file(p)]
    if pairs:
        log.info("reading %s as labelled pairs (--data)", ", ".join(pairs))
        args.articles = [p for p in args.articles if p not in pairs] or None
        args.data = (args.data or []) + pairs
        args.no_articles = args.no_articles or (args.articles is None and not args.add_default)


def _defaults() -> list[str]:
    return [str(p) for p in DEFAULT_ARTICLES if p.exists()]


def article_paths(args) -> list[str]:
    """The article inputs: the user's, the defaults, or both with ``--add-default``."""
    if args.no_articles and not args.add_default:
        return []
    if args.add_default:
        return list(dict.fromkeys(_defaults() + (args.articles or [])))
    return args.articles or _defaults()


def _annotation_paths(args) -> list[str]:
    default = [str(p) for p in DEFAULT_ANNOTATIONS if p.exists()]
    if args.add_default:
        return list(dict.fromkeys(default + (args.annotations or [])))
    if args.annotations:
        return args.annotations
    return default if not args.articles else []  # the default labels belong to the default articles


def annotation_files(args) -> list[Path]:
    """Every annotation JSONL file: each ``--annotations`` path is a file or a folder of ``*.jsonl``.

    Raises
    ------
    DataError
        If a path does not exist, or a folder holds no ``.jsonl`` file.
    """
    files: list[Path] = []
    for path in _annotation_paths(args):
        p = Path(path)
        if p.is_dir():
            found = sorted(p.glob("*.jsonl"))
            if not found:
                raise DataError(f"{path}: no .jsonl annotation files in this folder (--annotations)")
            files += found
        elif p.is_file():
            files.append(p)
        else:
            raise DataError(f"{path}: no such annotation file or folder (--annotations)")
    return list(dict.fromkeys(files))


def input_records(args) -> list[dict]:
    """The training inputs with their sha256 (a dataset name that is not a path is hashed by name)."""
    def record(kind, path):
        digest = sha256_file(path) if Path(path).exists() else hashlib.sha256(str(path).encode()).hexdigest()
        return {"kind": kind, "path": str(path), "sha256": digest}

    records = [record("articles", p) for p in article_paths(args)]
    if records:
        annotation_files(args)  # every path exists and a folder holds files
        records += [record("annotations", p) for p in _annotation_paths(args)]
    records += [record("labelled_pairs", p) for p in args.data or []]
    return records + [record("actors", DEFAULT_ACTORS_DIR)]


def _build_examples(args, dictionary, report: BuildReport) -> list[dict]:
    excluded = set(args.exclude_doc or [])
    examples = []
    paths = article_paths(args)
    if paths:
        articles = [a for path in paths for a in read_articles(path) if a.id not in excluded]
        ids = [a.id for a in articles]
        if len(ids) != len(set(ids)):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise DataError(f"article id {dup!r} occurs in more than one of {', '.join(paths)}")
        files = annotation_files(args)
        for path in files:  # every file is reported, even one that labels nothing
            report.count(str(path), "labelled", 0)
        annotations = [a for path in files for a in read_annotations(path) if a.doc_id not in excluded]
        examples += examples_from_articles(articles, annotations, dictionary, report, progress=True)
    for path in args.data or []:
        examples += examples_from_pairs(read_pairs(path), dictionary, report, progress=True)
    return [e for e in examples if e["doc_id"] not in excluded]


def build_dataset(args, inputs: list[dict], dictionary):
    """The labelled examples as a ``datasets.Dataset`` with the build report, cached under ``--cache-dir``.

    The cache key hashes the inputs, the example-building code and the options that select examples, so
    a changed input or rule rebuilds it; a cache left half-written by a crash is rebuilt too.

    Returns
    -------
    dataset : datasets.Dataset
    report : BuildReport
    path : Path
        The cache folder.

    Raises
    ------
    DataError
        On a bad input, or when no example is labelled.
    """
    import datasets

    h = hashlib.sha256(json.dumps([inputs, sorted(args.exclude_doc or []), args.no_articles]).encode())
    for name in EXAMPLE_CODE:
        h.update(Path(importlib.util.find_spec(name).origin).read_bytes())
    for path in sorted(Path(dictionary.actors_dir).glob("*.json*")):  # the actor dictionary selects examples too
        h.update(path.read_bytes())
    cache_dir = Path(args.cache_dir)
    path = cache_dir / f"examples-{h.hexdigest()[:16]}"
    if (path / "report.json").exists():
        try:
            report = BuildReport(**json.loads((path / "report.json").read_text()))
            return datasets.load_from_disk(str(path)), report, path
        except Exception:  # unreadable cache: rebuild it
            log.warning("cache %s unreadable; rebuilding", path)
    report = BuildReport()
    examples = _build_examples(args, dictionary, report)
    if not examples:
        hint = ""
        if report.unmatched:
            hint = f"; {len(report.unmatched)} annotations matched nothing, first: {report.unmatched[0]['message']}"
        elif article_paths(args) and not annotation_files(args):
            hint = "; the articles have no annotations: pass --annotations FILE_OR_FOLDER"
        raise DataError("no labelled examples: the inputs hold no annotated pair of actors sharing a sentence"
                        + hint)
    ds = to_dataset(examples)
    tmp = cache_dir / f"{path.name}.tmp{os.getpid()}"
    ds.save_to_disk(str(tmp))
    (tmp / "report.json").write_text(json.dumps(dataclasses.asdict(report)))
    shutil.rmtree(path, ignore_errors=True)
    tmp.rename(path)
    return ds, report, path


def own_weights(args, groups: Sequence[str]):
    """Sample weights that count each example of the user's own inputs ``--own-weight`` times, with
    ``--add-default``; None when every example weighs the same.

    Parameters
    ----------
    args : argparse.Namespace
    groups : sequence of str, length n_samples
        The examples' ``doc_id``.

    Returns
    -------
    ndarray of float, shape (n_samples,), or None

    Raises
    ------
    DataError
        If the weight is not positive, or given without --add-default.
    """
    import numpy as np

    if args.own_weight <= 0:
        raise DataError(f"--own-weight must be positive, got {args.own_weight}")
    if args.own_weight == 1.0:
        return None
    if not args.add_default:
        raise DataError("--own-weight weighs your data against the default data: it needs --add-default")
    defaults = {str(p) for p in DEFAULT_ARTICLES}
    own = {a.id for path in args.articles or [] if path not in defaults for a in read_articles(path)}
    own |= {r.doc_id for path in args.data or [] for r in read_pairs(path)}
    return np.where(np.isin(np.asarray(groups), list(own)), args.own_weight, 1.0)
