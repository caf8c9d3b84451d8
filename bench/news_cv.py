"""Out-of-sample figures on the real news stories of ``data/news/``: cross-validation grouped by story.

Usage::

    python bench/news_cv.py [--folds 5] [--no-temperature] [--news-weight W] [--no-polarity] [--no-cameo]

The stories of ``data/news/articles/`` are split into ``--folds`` folds (seeded shuffle of the story ids).
Each fold's model trains on all the embedded default data except that fold's stories, with the default
configuration (no grid search: ``C`` and class weight of :data:`training.pipeline.DEFAULT_CONFIG`) and,
unless ``--no-temperature``, a temperature fitted on grouped out-of-fold scores of its own training part,
as ``python -m training.fit --no-search`` does. Each gold pair of the fold's stories (every ordered pair of
in-scope actors of every sentence, ``data/news/annotations/``) is then scored at sentence level with the
service's rule (:func:`training.fitting.evaluate.evaluate_rows`: the sentence, its story's date, the
annotated source and target); a pair whose actors the tool does not find counts as predicted ``neutral``
and is reported as "actors not found". :mod:`bench.accuracy` reports these figures beside the shared sets.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.pipeline import Pipeline  # noqa: E402

from training.actors import default_dictionary  # noqa: E402
from training.articles import LABELS, LabelledPair, read_annotations, read_pairs  # noqa: E402
from training.features import DyadMasker  # noqa: E402
from training.fitting import crossval  # noqa: E402
from training.fitting import fit as fitmod  # noqa: E402
from training.fitting.evaluate import evaluate_rows, summarise  # noqa: E402
from training.fitting.trainset import build_dataset, input_records  # noqa: E402
from training.model import StanceModel  # noqa: E402
from training.pipeline import DEFAULT_CONFIG  # noqa: E402
from training.predict import StancePredictor  # noqa: E402
from training.reading import read_articles  # noqa: E402
from training.sentences import split_sentences  # noqa: E402
from training.text import clean_text  # noqa: E402

NEWS = ROOT / "data" / "news"
__all__ = ["story_folds", "gold_rows", "default_examples", "fit_views", "cross_validate", "main"]


def story_folds(story_ids: list[str], n_folds: int, seed: int) -> list[list[str]]:
    """The story ids in ``n_folds`` folds of near-equal size (a seeded shuffle, then round robin)."""
    ids = sorted(story_ids)
    order = np.random.default_rng(seed).permutation(len(ids))
    return [sorted(ids[i] for i in order[k::n_folds]) for k in range(n_folds)]


def gold_rows(news: Path = NEWS) -> dict[str, list[LabelledPair]]:
    """Every annotated pair of the real stories as a sentence-level labelled pair, by story id.

    Returns
    -------
    dict of str to list of LabelledPair
        Story id -> its rows: the sentence's text (split as ``training.fit`` splits the body), the
        annotated source and target (codes or words) and label, the story's date.
    """
    articles = {a.id: a for a in read_articles(news / "articles")}
    sentences = {i: split_sentences(clean_text(a.text)) for i, a in articles.items()}
    out: dict[str, list[LabelledPair]] = {i: [] for i in articles}
    for path in sorted((news / "annotations").glob("*.jsonl")):
        for a in read_annotations(path):
            text = sentences[a.doc_id][a.sentence].text
            out[a.doc_id].append(LabelledPair(a.where, a.doc_id, text, a.source, a.target, a.label,
                                              date=articles[a.doc_id].date))
    return out


def default_examples(cache_dir: str):
    """The examples of ``python -m training.fit``'s default data: rows, labels, doc ids."""
    args = fitmod._parser().parse_args(["--cache-dir", cache_dir])
    ds, _, _ = build_dataset(args, input_records(args), default_dictionary())
    names = ds.features["label"].names
    y = np.array([names[i] for i in ds["label"]])
    return ds.remove_columns(["label"]).to_list(), y, np.array(ds["doc_id"])


def fit_views(views, y, groups, *, masker: dict, config: dict, temperature: bool, seed: int,
              weights=None) -> StanceModel:
    """A stance model fitted on masked views, as ``training.fit --no-search`` fits it.

    Parameters
    ----------
    views : ndarray of str, shape (n_samples, 4)
    y, groups : ndarray of str, shape (n_samples,)
    masker : dict
        Parameters of the :class:`DyadMasker` that made ``views`` (the model masks new text the same way).
    config : dict
    temperature : bool
        Fit a temperature on grouped out-of-fold scores (4 folds) and divide the weights by it.
    seed : int
    weights : ndarray of float, shape (n_samples,), optional
    """
    make = lambda cfg: fitmod._view_model(cfg, seed)  # noqa: E731
    t = 1.0
    if temperature:
        folds = crossval.grouped_folds(y, groups, crossval.DEFAULT_FOLDS, seed)
        t = crossval.fit_temperature(crossval.oof_scores(views, y, folds, make, config, weights=weights), y)[0]
    model = make(config)
    model.fit(views, y, **({} if weights is None else {"clf__sample_weight": weights}))
    clf = model.named_steps["clf"]
    clf.coef_ /= t
    clf.intercept_ /= t
    pipeline = Pipeline([("mask", DyadMasker(**masker)), *model.steps])
    return StanceModel(pipeline, {"config": {**config, "temperature": t}})


def cross_validate(*, folds: int = 5, seed: int = 13, cache_dir: str, masker: dict | None = None,
                   news_weight: float = 1.0, temperature: bool = True, config: dict | None = None,
                   train_news: bool = True, shared: list[str] | None = None) -> dict:
    """Grouped cross-validation over the real stories (see the module docstring).

    ``train_news=False`` trains every fold's model without any real story (the authored data only), for
    the figure before the stories joined the default data. ``shared``: labelled-pair files on which a
    model of the same configuration, fitted on all the default data, is scored too (under ``shared``).

    Returns
    -------
    dict
        ``metrics`` (:func:`summarise` of every fold's predictions), ``predictions`` (list of dict),
        ``folds``, ``stories``.
    """
    masker = masker or {}
    config = {**DEFAULT_CONFIG, **(config or {})}
    rows, y, groups = default_examples(cache_dir)
    views = DyadMasker(**masker).transform(rows)
    gold = gold_rows()
    news_ids = set(gold)
    weights = np.where(np.isin(groups, list(news_ids)), news_weight, 1.0) if news_weight != 1.0 else None
    dictionary = default_dictionary()
    preds: list[dict] = []
    for k, held in enumerate(story_folds(sorted(news_ids), folds, seed)):
        train = ~np.isin(groups, held if train_news else list(news_ids))
        print(f"--- fold {k + 1}/{folds}: {len(held)} stories held out, {int(train.sum())} training examples",
              flush=True)
        model = fit_views(views[train], y[train], groups[train], masker=masker, config=config,
                          temperature=temperature, seed=seed, weights=None if weights is None else weights[train])
        predictor = StancePredictor(model, dictionary)
        preds += evaluate_rows(predictor, [r for story in held for r in gold[story]])
    out = {"metrics": summarise(preds), "predictions": preds, "folds": folds, "stories": len(news_ids)}
    if shared:  # the same configuration fitted on all the default data, scored on the shared sets
        train = np.ones(len(y), bool) if train_news else ~np.isin(groups, list(news_ids))
        model = fit_views(views[train], y[train], groups[train], masker=masker, config=config,
                          temperature=temperature, seed=seed, weights=None if weights is None else weights[train])
        predictor = StancePredictor(model, dictionary)
        out["shared"] = {}
        for path in shared:
            m = summarise(evaluate_rows(predictor, read_pairs(path)))
            out["shared"][Path(path).stem] = m
    return out


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python bench/news_cv.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--cache-dir", default=str(ROOT / "data" / "processed"))
    ap.add_argument("--no-temperature", action="store_true", help="skip the temperature (faster; ECE not final)")
    ap.add_argument("--news-weight", type=float, default=1.0, help="weight of a real-story training example")
    ap.add_argument("--no-polarity", action="store_true", help="masker without the VADER polarity tags")
    ap.add_argument("--no-cameo", action="store_true", help="masker without the CAMEO verb tags")
    ap.add_argument("--C", type=float, default=None)
    ap.add_argument("--shared", action="append", metavar="FILE",
                    help="also fit on all the default data and score this labelled-pair file; repeatable")
    ap.add_argument("--without-news", action="store_true", help="train without any real story (before)")
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run the cross-validation and print its figures (one JSON line last)."""
    args = _parser().parse_args(argv)
    masker = {**({"polarity": False} if args.no_polarity else {}), **({"cameo": False} if args.no_cameo else {})}
    res = cross_validate(folds=args.folds, seed=args.seed, cache_dir=args.cache_dir, masker=masker,
                         news_weight=args.news_weight, temperature=not args.no_temperature,
                         config={"C": args.C} if args.C else None, train_news=not args.without_news,
                         shared=args.shared)
    def brief(m: dict) -> dict:
        return {"macro_f1": round(m["macro_f1"], 4), "accuracy": round(m["accuracy"], 4),
                "ece": round(m["ece"], 4), "n": m["n"], "actors_not_found": m["actors_not_found"],
                **{f"f1_{lab}": round(m["per_class"][lab]["f1"], 4) for lab in LABELS}, "confusion": m["confusion"]}

    print(json.dumps({"news_cv": brief(res["metrics"]),
                      **{k: brief(m) for k, m in res.get("shared", {}).items()},
                      "argv": argv if argv is not None else sys.argv[1:]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
