"""Evaluation: metrics, a terminal table, and ``python -m training.evaluate`` on labelled-pair files.

Usage::

    python -m training.evaluate --model models/stance --data FILE [--data FILE ...]
        [--json] [--predictions OUT.jsonl]

Each row's actors are found in its text (codes, names, spans); a row whose actor cannot be found is
scored ``neutral`` and counted in ``actors_not_found``. Multi-sentence texts use the same article-level
rule as the service (:mod:`training.predict`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from training.actors import default_dictionary
from training.articles import LABELS, DataError, LabelledPair, read_pairs
from training.model import DEFAULT_MODEL_PATH, ModelError, load_model
from training.predict import NoWordsError, StancePredictor

__all__ = ["metrics", "expected_calibration_error", "format_table", "evaluate_rows", "main"]

log = logging.getLogger(__name__)


def expected_calibration_error(y_true: Sequence[str], proba: np.ndarray, *, n_bins: int = 10) -> float:
    """Expected calibration error of the top-label probability.

    Parameters
    ----------
    y_true : sequence of str, length n_samples
    proba : ndarray, shape (n_samples, 3)
        Columns in :data:`LABELS` order.
    n_bins : int, default=10
        Equal-width confidence bins over [0, 1].

    Returns
    -------
    float
        Sum over bins of (bin share) x |accuracy - mean confidence|, in [0, 1].
    """
    proba = np.asarray(proba, dtype=float)
    if len(y_true) == 0:
        return 0.0
    conf = proba.max(axis=1)
    pred = np.array(LABELS)[proba.argmax(axis=1)]
    correct = pred == np.asarray(y_true)
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(ece)


def metrics(y_true: Sequence[str], y_pred: Sequence[str], proba: np.ndarray | None = None) -> dict:
    """Classification figures for stance labels.

    Parameters
    ----------
    y_true, y_pred : sequence of str, length n_samples
    proba : ndarray, shape (n_samples, 3), optional
        Adds ``ece`` when given.

    Returns
    -------
    dict
        ``n``, ``macro_f1`` (over the labels present in ``y_true``), ``accuracy``, ``per_class``
        ({label: {precision, recall, f1, support}}), ``confusion`` (rows true, columns predicted, in
        :data:`LABELS` order) and optionally ``ece``.
    """
    present = [label for label in LABELS if label in set(y_true)]
    out = {"n": len(y_true)}
    if not y_true:
        return {**out, "macro_f1": 0.0, "accuracy": 0.0, "per_class": {}, "confusion": []}
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(LABELS), zero_division=0)
    out["macro_f1"] = round(float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)), 4)
    out["accuracy"] = round(float(accuracy_score(y_true, y_pred)), 4)
    out["per_class"] = {label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                                "f1": round(float(f[i]), 4), "support": int(s[i])} for i, label in enumerate(LABELS)}
    out["confusion"] = confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist()
    if proba is not None:
        out["ece"] = round(expected_calibration_error(y_true, proba), 4)
    return out


def format_table(title: str, m: dict, *, baseline: dict | None = None) -> str:
    """A plain-text report of :func:`metrics` output for the terminal."""
    lines = [f"== {title}: n={m['n']}  macro-F1={m['macro_f1']:.3f}  accuracy={m['accuracy']:.3f}"
             + (f"  ECE={m['ece']:.3f}" if "ece" in m else "")
             + (f"  actors_not_found={m['actors_not_found']}" if "actors_not_found" in m else "")]
    if baseline is not None:
        lines.append(f"   majority-class baseline: macro-F1={baseline['macro_f1']:.3f}  "
                     f"accuracy={baseline['accuracy']:.3f}")
    lines.append(f"   {'label':<9}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}")
    for label, c in m.get("per_class", {}).items():
        lines.append(f"   {label:<9}{c['precision']:>10.3f}{c['recall']:>8.3f}{c['f1']:>7.3f}{c['support']:>9}")
    if m.get("confusion"):
        lines.append("   confusion (rows true, columns predicted): " + "  ".join(f"{x[:3]:>4}" for x in LABELS))
        for label, row in zip(LABELS, m["confusion"]):
            lines.append(f"   {label:<9}" + "".join(f"{v:>6}" for v in row))
    return "\n".join(lines)


def evaluate_rows(predictor: StancePredictor, rows: Sequence[LabelledPair]) -> list[dict]:
    """Predict every labelled-pair row with the service's rule.

    Returns
    -------
    list of dict
        One per row: ``id``, ``label``, ``predicted``, ``probabilities`` {support, oppose, neutral},
        ``source_found``, ``target_found`` and ``reason`` (why a row fell back to neutral, or None).
    """
    out = []
    for row in rows:
        try:
            res = predictor.stance(row.text, row.source, row.target, date=row.date,
                                   source_span=row.source_span, target_span=row.target_span)
            found = (bool(res.source.mentions), bool(res.target.mentions))
            stance, probs, reason = res.stance, res.probabilities, res.reason
        except NoWordsError:
            found, stance, probs, reason = (False, False), None, None, "no_words"
        if stance is None:
            stance, probs = "neutral", {"support": 0.0, "oppose": 0.0, "neutral": 1.0}
        out.append({"id": row.id, "label": row.label, "predicted": stance, "probabilities": probs,
                    "source_found": found[0], "target_found": found[1], "reason": reason})
    return out


def summarise(preds: Sequence[dict]) -> dict:
    """:func:`metrics` of predictions from :func:`evaluate_rows`, plus ``actors_not_found``."""
    proba = np.array([[p["probabilities"][label] for label in LABELS] for p in preds]).reshape(-1, len(LABELS))
    m = metrics([p["label"] for p in preds], [p["predicted"] for p in preds], proba)
    m["actors_not_found"] = sum(1 for p in preds if not (p["source_found"] and p["target_found"]))
    return m


def majority_baseline(train_labels: Sequence[str], y_true: Sequence[str]) -> dict:
    """Figures of always predicting the most frequent training label."""
    values, counts = np.unique(np.asarray(train_labels), return_counts=True)
    top = str(values[counts.argmax()]) if len(values) else "neutral"
    return metrics(list(y_true), [top] * len(y_true))


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=str(DEFAULT_MODEL_PATH), help="saved model (default: %(default)s)")
    ap.add_argument("--data", action="append", required=True, metavar="FILE",
                    help="labelled-pair JSONL; repeat for several files")
    ap.add_argument("--json", action="store_true", help="print one JSON object with all figures as the last line")
    ap.add_argument("--predictions", metavar="OUT.jsonl", help="write one prediction per row")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation CLI; returns the exit code (0 ok, 2 bad input or model, 130 interrupted)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _run(args) -> int:
    try:
        model = load_model(args.model)
        files = {path: read_pairs(path) for path in args.data}
    except (ModelError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    predictor = StancePredictor(model, default_dictionary())
    report, every = {"files": {}}, []
    for path, rows in files.items():
        preds = evaluate_rows(predictor, rows)
        every += preds
        report["files"][path] = summarise(preds)
        print(format_table(path, report["files"][path]))
    overall = summarise(every)
    report.update(overall)
    print(format_table("overall", overall))
    if args.predictions:
        out = Path(args.predictions)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text("".join(json.dumps({k: p[k] for k in ("id", "label", "predicted", "probabilities",
                                                                "source_found", "target_found")}) + "\n"
                               for p in every), encoding="utf-8")
        tmp.replace(out)
    if args.json:
        print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
