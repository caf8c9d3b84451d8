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
import functools
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline

from training.actors import default_dictionary
from training.articles import LABELS, DataError
from training.events.train import fit_quad
from training.features import DyadMasker
from training.fitting import crossval, summary
from training.fitting.crossval import check_labels, grouped_split
from training.fitting.dataset import label_counts
from training.fitting.evaluate import format_table, majority_baseline, metrics
from training.fitting.trainset import (
    DEFAULT_ANNOTATIONS,
    DEFAULT_ARTICLES,
    build_dataset,
    input_records,
    own_weights,
    route_inputs,
)
from training.language import skipped_text
from training.model import DEFAULT_MODEL_PATH, ModelError, model_lock, save_model
from training.pipeline import DEFAULT_CONFIG, build_classifier, build_pipeline, build_vectorizer

__all__ = ["main", "grouped_split", "check_labels", "GRID", "DEFAULT_ARTICLES", "DEFAULT_ANNOTATIONS"]

log = logging.getLogger("training.fit")
ROOT = Path(__file__).resolve().parents[2]
GRID = {"C": [1.0, 4.0, 16.0], "class_weight": [None, "balanced"]}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m training.fit", description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", action="append", metavar="PATH",
                    help="folder of .txt, JSONL/CSV file or Hugging Face dataset; repeatable "
                         "(default: seeds/ and data/corpus/)")
    ap.add_argument("--annotations", action="append", metavar="PATH",
                    help="annotation JSONL file or folder of them; repeatable (default: data/annotations "
                         "with the default articles)")
    ap.add_argument("--add-default", action="store_true",
                    help="add --articles/--annotations/--data to the embedded default data instead of replacing it")
    ap.add_argument("--own-weight", type=float, default=1.0, metavar="W",
                    help="with --add-default: weight of an example of your own data against one of the default "
                         "data (default: %(default)s)")
    ap.add_argument("--data", action="append", metavar="FILE", help="labelled-pair JSONL; repeatable")
    ap.add_argument("--no-articles", action="store_true", help="train on --data files only")
    ap.add_argument("--exclude-doc", action="append", metavar="ID", help="leave this article out; repeatable")
    ap.add_argument("--out", default=str(DEFAULT_MODEL_PATH), help="model path (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=13, help="random seed (default: %(default)s)")
    ap.add_argument("--test-size", type=float, default=0.2,
                    help="share of articles held out (default: %(default)s); 0 fits on every article and "
                         "reports a grouped cross-validated estimate instead")
    ap.add_argument("--cv-folds", type=int, default=None,
                    help=f"grouped CV folds (default: {crossval.DEFAULT_FOLDS}, fewer when some label is in "
                         "fewer articles)")
    ap.add_argument("--calibration", choices=["temperature", "none", "sigmoid", "isotonic"],
                    default=DEFAULT_CONFIG["calibration"],
                    help="calibrate the probabilities (default: %(default)s, which keeps every decision)")
    ap.add_argument("--strict", action="store_true",
                    help="stop (exit 2) when an annotation matches nothing, instead of reporting it")
    ap.add_argument("--json", action="store_true",
                    help="print the held-out figures as one JSON object on the last line")
    ap.add_argument("--no-search", action="store_true", help="skip the grid search; use the default C and class weight")
    ap.add_argument("--cache-dir", default=str(ROOT / "data" / "processed"),
                    help="example cache (default: %(default)s)")
    return ap


def _view_model(config: dict, seed: int) -> Pipeline:
    """The pipeline after masking (views -> TF-IDF -> classifier), for cross-validation on masked views."""
    return Pipeline([("features", build_vectorizer(config)), ("clf", build_classifier(config, seed))])


def _choose_config(args, rows: list[dict], y: np.ndarray, groups: np.ndarray,
                   weights: np.ndarray | None = None) -> tuple[dict, dict | None]:
    """Hyper-parameters by grouped cross-validation on the training part (macro-F1), then, for
    ``--calibration temperature``, the temperature that minimises the log-loss of the out-of-fold scores.

    Returns
    -------
    config : dict
    cv : dict or None
        With ``--test-size 0``: the grouped cross-validated figures of the chosen config (``metrics`` plus
        ``folds``); otherwise None.
    """
    config = {**DEFAULT_CONFIG, "calibration": args.calibration}
    need_oof = config["calibration"] == "temperature" or args.test_size == 0
    if args.no_search and not need_oof:
        return config, None
    if config["calibration"] in ("sigmoid", "isotonic"):
        counts = {label: int((y == label).sum()) for label in LABELS}
        if min(counts.values()) < 5 * 2:
            raise DataError(f"--calibration {config['calibration']} fits 5 internal folds inside every "
                            f"cross-validation fold and needs at least 10 examples of every label in the "
                            f"training part (counts: {counts}); use --calibration temperature or none")
    what = "the grid search" if not args.no_search else "the cross-validated estimate and temperature"
    n_folds = crossval.choose_folds(y, groups, requested=args.cv_folds, what=what)
    folds = crossval.grouped_folds(y, groups, n_folds, args.seed)
    views = DyadMasker().transform(rows)
    make = functools.partial(_view_model, seed=args.seed)
    if not args.no_search:
        log.info("choosing C and class weight by %d-fold grouped CV on %d examples", n_folds, len(y))
        best, score = crossval.grid_search(views, y, folds, GRID, make, config, weights=weights)
        config.update(best)
        log.info("grouped CV chose %s (macro-F1 %.3f)", best, score)
    if not need_oof:
        return config, None
    scores = crossval.oof_scores(views, y, folds, make, config, weights=weights)
    temperature = 1.0
    if config["calibration"] == "temperature":
        temperature, after, before = crossval.fit_temperature(scores, y)
        config["temperature"] = temperature
        log.info("temperature %.3f (out-of-fold log-loss %.3f, before %.3f)", temperature, after, before)
    if args.test_size != 0:
        return config, None
    classes = np.unique(y)
    proba = crossval.in_label_order(crossval.softmax(scores, temperature), classes)
    m = metrics(list(y), list(np.array(LABELS)[proba.argmax(axis=1)]), proba)
    return config, {"metrics": m, "folds": n_folds}


def _split(args, y, groups):
    if args.test_size == 0:
        return np.arange(len(y)), np.array([], dtype=int)
    try:
        return grouped_split(y, groups, test_size=args.test_size, seed=args.seed)
    except DataError as exc:
        raise DataError(f"{exc}; use --test-size 0 to fit on every article with a cross-validated estimate, "
                        "or --add-default to add the embedded default data") from None


def _fit_final(config: dict, rows, y, seed: int, weights: np.ndarray | None = None) -> Pipeline:
    pipeline = build_pipeline(config, seed=seed)
    try:
        pipeline.fit(rows, y, **({} if weights is None else {"clf__sample_weight": weights}))
    except ValueError as exc:  # scikit-learn's message, never the data
        raise DataError(f"fitting the model failed ({str(exc).splitlines()[0]}); label more examples, "
                        "use --calibration temperature or add --add-default") from None
    if config["calibration"] == "temperature":  # dividing the weights by T is temperature scaling
        clf = pipeline.named_steps["clf"]
        clf.coef_ /= config["temperature"]
        clf.intercept_ /= config["temperature"]
    return pipeline


def run(args) -> dict:
    """Train, evaluate and save; returns the saved metadata. Raises DataError on bad input."""
    if not 0 <= args.test_size <= 0.5:
        raise DataError(f"--test-size must be 0 (fit on everything) or in (0, 0.5], got {args.test_size}")
    route_inputs(args)
    dictionary = default_dictionary()
    inputs = input_records(args)
    ds, report, cache = build_dataset(args, inputs, dictionary)
    print(summary.unmatched_text(report.unmatched), end="")
    print(skipped_text(report.non_english, what="articles or labelled rows"), end="")
    if args.strict and report.unmatched:
        raise DataError(summary.strict_message(report.unmatched))
    log.info("%d examples from %d articles (cached at %s)", len(ds), len(set(ds["doc_id"])), cache)
    names = ds.features["label"].names
    y = np.array([names[i] for i in ds["label"]])
    check_labels(y, "training data")
    groups = np.array(ds["doc_id"])
    rows = ds.remove_columns(["label"]).to_list()
    train, test = _split(args, y, groups)
    check_labels(y[train], "the training part")
    warnings = summary.small_heldout_warnings(len(test), len(set(groups[test]))) if len(test) else []
    for w in warnings:
        log.warning("%s", w)

    weights = own_weights(args, groups)
    w = None if weights is None else weights[train]
    config, cv = _choose_config(args, [rows[i] for i in train], y[train], groups[train], w)
    pipeline = _fit_final(config, [rows[i] for i in train], y[train], args.seed, w)
    quad, quad_meta = fit_quad(pipeline, [rows[i] for i in train], y[train], [rows[i] for i in test], y[test],
                               seed=args.seed)
    baseline = majority_baseline(y[train], y[test] if len(test) else y[train])
    if cv is None:
        from training.model import StanceModel

        proba = StanceModel(pipeline, {}).predict_proba([rows[i] for i in test])
        heldout = metrics(list(y[test]), list(np.array(LABELS)[proba.argmax(axis=1)]), proba)
        print(format_table(f"held-out articles ({len(set(groups[test]))} articles)", heldout, baseline=baseline))
        print(summary.explain(f"directed pairs of actors in a sentence, in {len(set(groups[test]))} held-out "
                              "articles"))
        figures = {"heldout": heldout, "baseline_majority": baseline}
    else:
        heldout = None
        title = f"grouped {cv['folds']}-fold cross-validation over all {len(set(groups))} articles (no held-out part)"
        print(format_table(title, cv["metrics"], baseline=baseline))
        print(summary.explain(f"directed pairs of actors in a sentence, each scored by a model that did not see "
                              f"its article ({len(set(groups))} articles)"))
        figures = {"heldout": None, "cross_validated": {**cv["metrics"], "folds": cv["folds"]},
                   "estimate": "grouped cross-validation on all articles (--test-size 0)",
                   "baseline_majority": baseline}
    for w in warnings:
        print(f"warning: {w}")
    meta = {
        "inputs": inputs,
        "data": {"n_articles": len(set(groups)), "n_examples": len(y), "label_counts": label_counts(
            {"label": v} for v in y), "n_train": int(len(train)), "n_test": int(len(test)),
            "unmatched_annotations": len(report.unmatched),
            "unmatched": report.unmatched[:1000],
            "pairs_without_shared_sentence": report.pairs_without_shared_sentence,
            "non_english": len(report.non_english),
            "non_english_languages": dict(Counter(x["language"] for x in report.non_english).most_common())},
        "config": config, "seed": args.seed, "test_size": args.test_size, "own_weight": args.own_weight,
        "metrics": figures, "warnings": warnings,
        "aggregation": "mean of sentence probabilities over the shared sentences that carry a stance "
                       "(all shared sentences when none does)",
        "sentence_numbering": "0-based over the article body (title not counted)",
        "heldout_doc_ids": sorted(set(groups[test])),
        "quad": quad_meta,
    }
    meta = save_model(pipeline, meta, args.out, quad=quad)
    print(f"saved {args.out} -> version {meta['version']} (sha256 {meta['sha256'][:12]})")
    if args.json:
        print(json.dumps({**figures, "data": meta["data"]}, sort_keys=True))
    return meta


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (0 ok, 2 bad input, 130 interrupted)."""
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
    except KeyboardInterrupt:
        print(f"interrupted: nothing saved, {args.out} is as it was", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
