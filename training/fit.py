"""Train the stance model: ``python -m training.fit``.

Reads articles (default: ``seeds/`` and ``data/corpus/``) with their annotations (``data/annotations/``)
and any labelled-pair files (``--data``), builds one example per directed pair of actors sharing a
sentence, holds out whole articles for testing, chooses hyper-parameters by grouped cross-validation on
the training part only, fits, reports held-out figures against a majority-class baseline and saves
the model and its metadata as a new version of ``models/stance`` (see :mod:`training.artifact`), holding
a lock on ``--out`` for the whole run so that two fits cannot write the same model.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from training.actors import DEFAULT_ACTORS_DIR, default_dictionary
from training.articles import LABELS, DataError, read_annotations, read_articles, read_pairs
from training.dataset import (
    BuildReport,
    examples_from_articles,
    examples_from_pairs,
    label_counts,
    sha256_file,
    to_dataset,
)
from training.evaluate import format_table, majority_baseline, metrics
from training.features import DyadMasker
from training.model import (
    DEFAULT_CONFIG,
    DEFAULT_MODEL_PATH,
    ModelError,
    build_classifier,
    build_pipeline,
    build_vectorizer,
    model_lock,
    save_model,
)

__all__ = ["main", "grouped_split", "check_labels", "GRID"]

log = logging.getLogger("training.fit")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLES = [ROOT / "seeds", ROOT / "data" / "corpus"]
DEFAULT_ANNOTATIONS = ROOT / "data" / "annotations"
GRID = {"clf__C": [1.0, 4.0, 16.0], "clf__class_weight": [None, "balanced"]}


def check_labels(labels: Sequence[str], where: str) -> None:
    """Refuse training data that lacks a label.

    Raises
    ------
    DataError
        Naming the missing labels and the counts found.
    """
    counts = {label: int(sum(1 for y in labels if y == label)) for label in LABELS}
    missing = [label for label, c in counts.items() if c < 2]
    if missing:
        raise DataError(f"{where} must hold at least 2 examples of every label; "
                        f"too few of {', '.join(missing)} (counts: {counts})")


def grouped_split(labels: Sequence[str], groups: Sequence[str], *, test_size: float, seed: int):
    """Split examples into train and test indices with no group (article) on both sides.

    Parameters
    ----------
    labels, groups : sequence of str, length n_samples
    test_size : float
        Share of groups held out, in (0, 0.5].
    seed : int

    Returns
    -------
    train, test : ndarray of int
        Indices into the inputs.

    Raises
    ------
    DataError
        If there are too few articles to hold any out.
    """
    n_splits = max(2, round(1 / test_size))
    n_groups = len(set(groups))
    if n_groups < n_splits:
        raise DataError(f"need at least {n_splits} distinct articles to hold out {test_size:.0%}, got {n_groups}")
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    train, test = next(splitter.split(np.zeros(len(labels)), labels, groups))
    return train, test


def _is_pair_file(path: str) -> bool:
    """Whether ``path`` is labelled-pair JSONL (its first row has source, target and label)."""
    p = Path(path)
    if p.suffix != ".jsonl" or not p.is_file():
        return False
    with p.open(encoding="utf-8") as fh:
        first = next((line for line in fh if line.strip()), "")
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and {"source", "target", "label"} <= set(row)


def _route_inputs(args) -> None:
    """Labelled-pair files given with ``--articles`` are read as ``--data``: the format is accepted everywhere."""
    pairs = [p for p in args.articles or [] if _is_pair_file(p)]
    if pairs:
        log.info("reading %s as labelled pairs (--data)", ", ".join(pairs))
        args.articles = [p for p in args.articles if p not in pairs] or None
        args.data = (args.data or []) + pairs
        args.no_articles = args.no_articles or args.articles is None


def _article_paths(args) -> list[str]:
    if args.no_articles:
        return []
    return args.articles or [str(p) for p in DEFAULT_ARTICLES if p.exists()]


def _input_records(args) -> list[dict]:
    """The training inputs with their sha256 (a dataset name that is not a path is hashed by name)."""
    def record(kind, path):
        digest = sha256_file(path) if Path(path).exists() else hashlib.sha256(str(path).encode()).hexdigest()
        return {"kind": kind, "path": str(path), "sha256": digest}

    records = [record("articles", p) for p in _article_paths(args)]
    if records:
        records.append(record("annotations", args.annotations))
    records += [record("labelled_pairs", p) for p in args.data or []]
    return records + [record("actors", DEFAULT_ACTORS_DIR)]


def _build_examples(args, dictionary, report: BuildReport) -> list[dict]:
    excluded = set(args.exclude_doc or [])
    examples = []
    paths = _article_paths(args)
    if paths:
        articles = [a for path in paths for a in read_articles(path) if a.id not in excluded]
        annotations = [a for path in sorted(Path(args.annotations).glob("*.jsonl"))
                       for a in read_annotations(path) if a.doc_id not in excluded]
        examples += examples_from_articles(articles, annotations, dictionary, report)
    for path in args.data or []:
        examples += examples_from_pairs(read_pairs(path), dictionary, report)
    return [e for e in examples if e["doc_id"] not in excluded]


def _dataset(args, inputs: list[dict], dictionary):
    """The labelled examples as a ``datasets.Dataset`` with the build report, cached under ``--cache-dir``.

    The cache key hashes the inputs, the example-building code and the options that select examples, so
    a changed input or rule rebuilds it; a cache left half-written by a crash is rebuilt too.
    """
    import datasets

    h = hashlib.sha256(json.dumps([inputs, sorted(args.exclude_doc or []), args.no_articles]).encode())
    for name in ("text.py", "actors.py", "roles.py", "cameo.py", "examples.py", "dataset.py", "articles.py"):
        h.update((Path(__file__).parent / name).read_bytes())
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
        raise DataError("no labelled examples: the inputs hold no annotated pair of actors sharing a sentence")
    ds = to_dataset(examples)
    tmp = cache_dir / f"{path.name}.tmp{os.getpid()}"
    ds.save_to_disk(str(tmp))
    (tmp / "report.json").write_text(json.dumps(dataclasses.asdict(report)))
    shutil.rmtree(path, ignore_errors=True)
    tmp.rename(path)
    return ds, report, path


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m training.fit", description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", action="append", metavar="PATH",
                    help="folder of .txt, JSONL/CSV file or Hugging Face dataset; repeatable "
                         "(default: seeds/ and data/corpus/)")
    ap.add_argument("--annotations", default=str(DEFAULT_ANNOTATIONS), metavar="DIR",
                    help="folder of annotation JSONL files (default: data/annotations)")
    ap.add_argument("--data", action="append", metavar="FILE", help="labelled-pair JSONL; repeatable")
    ap.add_argument("--no-articles", action="store_true", help="train on --data files only")
    ap.add_argument("--exclude-doc", action="append", metavar="ID", help="leave this article out; repeatable")
    ap.add_argument("--out", default=str(DEFAULT_MODEL_PATH), help="model path (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=13, help="random seed (default: %(default)s)")
    ap.add_argument("--test-size", type=float, default=0.2, help="share of articles held out (default: %(default)s)")
    ap.add_argument("--cv-folds", type=int, default=4,
                    help="grouped CV folds for the grid search (default: %(default)s)")
    ap.add_argument("--calibration", choices=["temperature", "none", "sigmoid", "isotonic"],
                    default=DEFAULT_CONFIG["calibration"],
                    help="calibrate the probabilities (default: %(default)s, which keeps every decision)")
    ap.add_argument("--json", action="store_true",
                    help="print the held-out figures as one JSON object on the last line")
    ap.add_argument("--no-search", action="store_true", help="skip the grid search; use the default C and class weight")
    ap.add_argument("--cache-dir", default=str(ROOT / "data" / "processed"),
                    help="example cache (default: %(default)s)")
    return ap


def _choose_config(args, rows: list[dict], y: np.ndarray, groups: np.ndarray) -> dict:
    """Hyper-parameters by grouped cross-validation on the training part (macro-F1), then, for
    ``--calibration temperature``, the temperature that minimises the log-loss of the out-of-fold scores."""
    config = {**DEFAULT_CONFIG, "calibration": args.calibration}
    cv = StratifiedGroupKFold(n_splits=args.cv_folds, shuffle=True, random_state=args.seed)
    views = DyadMasker().transform(rows)

    def model(cfg):
        return Pipeline([("features", build_vectorizer(cfg)), ("clf", build_classifier(cfg, args.seed))])

    if not args.no_search:
        grid = GRID if config["calibration"] in ("none", "temperature") else {
            k.replace("clf__", "clf__estimator__"): v for k, v in GRID.items()}
        search = GridSearchCV(model(config), grid, scoring="f1_macro", cv=cv, error_score="raise",
                              n_jobs=2)  # two cores: the size of the machines this runs on
        n_fits = args.cv_folds * len(GRID["clf__C"]) * len(GRID["clf__class_weight"])
        log.info("choosing C and class weight by %d-fold grouped CV on %d examples (%d fits; "
                 "minutes on large data)", args.cv_folds, len(y), n_fits)
        search.fit(views, y, groups=groups)
        best = {k.rsplit("__", 1)[1]: v for k, v in search.best_params_.items()}
        config.update(best)
        log.info("grouped CV chose %s (macro-F1 %.3f)", best, search.best_score_)
    if config["calibration"] == "temperature":
        log.info("fitting the temperature on %d-fold out-of-fold scores", args.cv_folds)
        scores = cross_val_predict(model(config), views, y, groups=groups, cv=cv, method="decision_function",
                                   n_jobs=2)
        classes = np.unique(y)
        truth = np.searchsorted(classes, y)

        def nll(t):
            z = scores / t
            z = z - z.max(axis=1, keepdims=True)
            return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), truth]))

        config["temperature"] = round(float(minimize_scalar(nll, bounds=(0.05, 20), method="bounded").x), 4)
        log.info("temperature %.3f (out-of-fold log-loss %.3f, before %.3f)", config["temperature"],
                 nll(config["temperature"]), nll(1.0))
    return config


def run(args) -> dict:
    """Train, evaluate and save; returns the saved metadata. Raises DataError on bad input."""
    if not 0 < args.test_size <= 0.5:
        raise DataError(f"--test-size must be in (0, 0.5], got {args.test_size}")
    _route_inputs(args)
    dictionary = default_dictionary()
    inputs = _input_records(args)
    ds, report, cache = _dataset(args, inputs, dictionary)
    log.info("%d examples from %d articles (cached at %s)", len(ds), len(set(ds["doc_id"])), cache)
    names = ds.features["label"].names
    y = np.array([names[i] for i in ds["label"]])
    check_labels(y, "training data")
    groups = np.array(ds["doc_id"])
    rows = ds.remove_columns(["label"]).to_list()
    train, test = grouped_split(y, groups, test_size=args.test_size, seed=args.seed)
    check_labels(y[train], "the training part")

    config = _choose_config(args, [rows[i] for i in train], y[train], groups[train])
    pipeline = build_pipeline(config, seed=args.seed)
    pipeline.fit([rows[i] for i in train], y[train])
    if config["calibration"] == "temperature":  # dividing the weights by T is temperature scaling
        clf = pipeline.named_steps["clf"]
        clf.coef_ /= config["temperature"]
        clf.intercept_ /= config["temperature"]

    from training.model import StanceModel

    proba = StanceModel(pipeline, {}).predict_proba([rows[i] for i in test])
    pred = np.array(LABELS)[proba.argmax(axis=1)]
    heldout = metrics(list(y[test]), list(pred), proba)
    baseline = majority_baseline(y[train], y[test])
    print(format_table(f"held-out articles ({len(set(groups[test]))} articles)", heldout, baseline=baseline))
    meta = {
        "inputs": inputs,
        "data": {"n_articles": len(set(groups)), "n_examples": len(y), "label_counts": label_counts(
            {"label": v} for v in y), "n_train": int(len(train)), "n_test": int(len(test)),
            "unmatched_annotations": len(report.unmatched_annotations),
            "pairs_without_shared_sentence": report.pairs_without_shared_sentence},
        "config": config, "seed": args.seed, "test_size": args.test_size,
        "metrics": {"heldout": heldout, "baseline_majority": baseline},
        "aggregation": "mean of sentence probabilities over the shared sentences that carry a stance "
                       "(all shared sentences when none does)",
        "heldout_doc_ids": sorted(set(groups[test])),
    }
    meta = save_model(pipeline, meta, args.out)
    print(f"saved {args.out} -> version {meta['version']} (sha256 {meta['sha256'][:12]})")
    if args.json:
        print(json.dumps({"heldout": heldout, "baseline_majority": baseline, "data": meta["data"]}, sort_keys=True))
    return meta


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (0 ok, 2 bad input)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        with model_lock(args.out):
            run(args)
    except (DataError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
