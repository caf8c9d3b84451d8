"""Grouped cross-validation that fits the data: folds, grid search, out-of-fold scores and a temperature.

Folds are split by article (no article on both sides). The number of folds is bounded by the number of
articles that hold each label, so small or unbalanced data gets fewer folds, or a clear
:class:`~training.articles.DataError` naming the counts, never a scikit-learn traceback.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Sequence

import numpy as np
from joblib import Parallel, delayed
from scipy.optimize import minimize_scalar
from sklearn.model_selection import StratifiedGroupKFold
from tqdm.auto import tqdm

from training.articles import LABELS, DataError
from training.lifeline import watch_parent

__all__ = ["check_labels", "grouped_split", "articles_per_label", "choose_folds", "grouped_folds", "grid_search",
           "oof_scores", "fit_temperature", "softmax", "in_label_order", "DEFAULT_FOLDS"]

log = logging.getLogger(__name__)
DEFAULT_FOLDS = 4


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


def articles_per_label(y: Sequence[str], groups: Sequence[str]) -> dict[str, int]:
    """How many distinct articles (groups) hold at least one example of each label.

    Parameters
    ----------
    y, groups : sequence of str, length n_samples

    Returns
    -------
    dict
        {label: n_articles} for every label of :data:`LABELS`.
    """
    seen = {label: set() for label in LABELS}
    for label, g in zip(y, groups):
        seen[label].add(g)
    return {label: len(s) for label, s in seen.items()}


def _counts(per_label: dict[str, int]) -> str:
    return ", ".join(f"{label} in {n}" for label, n in per_label.items())


def choose_folds(y: Sequence[str], groups: Sequence[str], *, requested: int | None, what: str) -> int:
    """The number of grouped folds the data allows.

    Parameters
    ----------
    y, groups : sequence of str, length n_samples
    requested : int or None
        ``--cv-folds``; None takes :data:`DEFAULT_FOLDS`, lowered to what the data allows.
    what : str
        What the folds are for, for the messages ("the grid search", ...).

    Returns
    -------
    int
        At least 2.

    Raises
    ------
    DataError
        If a requested number is more than the articles of some label, or fewer than 2 folds are possible;
        the message gives the articles per label and the flags to change.
    """
    per_label = articles_per_label(y, groups)
    possible = min(per_label.values())
    if requested is not None:
        if requested < 2:
            raise DataError(f"--cv-folds must be at least 2, got {requested}")
        if requested > possible:
            raise DataError(f"--cv-folds {requested} is more than the data allows for {what}: every label must "
                            f"occur in at least {requested} articles, and the articles per label are "
                            f"{_counts(per_label)}; lower --cv-folds (at most {max(possible, 2)}), label more "
                            "articles, or add the default data with --add-default")
        return requested
    if possible < 2:
        raise DataError(f"{what} needs every label in at least 2 articles, and the articles per label are "
                        f"{_counts(per_label)}; label more articles, add the default data with --add-default, "
                        "or skip it with --no-search --calibration none --test-size 0.2")
    folds = min(DEFAULT_FOLDS, possible)
    if folds < DEFAULT_FOLDS:
        log.warning("using %d grouped folds for %s, not %d: articles per label are %s", folds, what,
                    DEFAULT_FOLDS, _counts(per_label))
    return folds


def grouped_folds(y: np.ndarray, groups: np.ndarray, n_folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified grouped folds as (train, test) index arrays."""
    splitter = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(y)), y, groups))


def _scores(model, x_test, classes: np.ndarray) -> np.ndarray:
    """Decision scores with one column per class of ``classes``; a class missing from the fold's training
    part gets a score far below the others."""
    raw = np.asarray(model.decision_function(x_test), dtype=float)
    fitted = model.classes_
    if raw.ndim == 1:  # two classes: softmax([0, d]) is the logistic probability of classes_[1]
        raw = np.column_stack([np.zeros_like(raw), raw])
    out = np.full((len(raw), len(classes)), raw.min() - 30.0 if raw.size else 0.0)
    out[:, np.searchsorted(classes, fitted)] = raw
    return out


def _fit_fold(make_model: Callable, config: dict, views, y, train, test, classes, weights=None):
    model = make_model(config)
    try:
        model.fit(views[train], y[train], **({} if weights is None else {"clf__sample_weight": weights[train]}))
    except ValueError as exc:  # scikit-learn's message, never the data
        raise DataError(f"a cross-validation fit failed ({str(exc).splitlines()[0]}); lower --cv-folds, "
                        "label more articles or add --add-default") from None
    return _scores(model, views[test], classes)


def _parallel(n_jobs: int) -> Parallel:
    """joblib's loky workers that exit once this process has gone (``kill -9`` of ``training.fit``)."""
    from joblib.parallel import LokyBackend

    backend = LokyBackend(initializer=watch_parent, initargs=(os.getpid(),))
    return Parallel(n_jobs=n_jobs, backend=backend, return_as="generator")


def grid_search(views: np.ndarray, y: np.ndarray, folds, grid: dict[str, list], make_model: Callable,
                base: dict, *, weights: np.ndarray | None = None, n_jobs: int = 2) -> tuple[dict, float]:
    """Choose the grid point with the best mean macro-F1 over grouped folds, with a progress bar.

    Parameters
    ----------
    views : ndarray, shape (n_samples, n_views)
        Masked views of the examples (:class:`~training.features.DyadMasker`).
    y : ndarray of str, shape (n_samples,)
    folds : list of (train, test)
    grid : dict
        Config key -> values (e.g. ``{"C": [1, 4], "class_weight": [None, "balanced"]}``).
    make_model : callable
        config dict -> unfitted estimator over views.
    base : dict
        The config the grid points update.
    weights : ndarray of float, shape (n_samples,), optional
        Sample weights of the fits (the scores stay unweighted).
    n_jobs : int, default=2

    Returns
    -------
    best : dict
        The chosen grid values.
    score : float
        Their mean macro-F1 over the folds.
    """
    from sklearn.metrics import f1_score

    classes = np.unique(y)
    points = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    jobs = [(p, k) for p in range(len(points)) for k in range(len(folds))]
    run = _parallel(n_jobs)(
        delayed(_fit_fold)(make_model, {**base, **points[p]}, views, y, *folds[k], classes, weights)
        for p, k in jobs)
    f1 = np.zeros((len(points), len(folds)))
    for (p, k), scores in tqdm(zip(jobs, run), total=len(jobs), desc="grid search (CV fits)", unit="fit",
                               disable=None):
        test = folds[k][1]
        f1[p, k] = f1_score(y[test], classes[scores.argmax(axis=1)], average="macro", zero_division=0)
    means = f1.mean(axis=1)
    best = int(np.argmax(means))
    return points[best], float(means[best])


def oof_scores(views: np.ndarray, y: np.ndarray, folds, make_model: Callable, config: dict, *,
               weights: np.ndarray | None = None, n_jobs: int = 2) -> np.ndarray:
    """Out-of-fold decision scores of one config, with a progress bar.

    Returns
    -------
    ndarray, shape (n_samples, n_classes)
        Columns in the order of ``np.unique(y)``.
    """
    classes = np.unique(y)
    run = _parallel(n_jobs)(
        delayed(_fit_fold)(make_model, config, views, y, train, test, classes, weights) for train, test in folds)
    out = np.zeros((len(y), len(classes)))
    for (_, test), scores in tqdm(zip(folds, run), total=len(folds), desc="cross-validation fits", unit="fit",
                                  disable=None):
        out[test] = scores
    return out


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``scores / temperature``; shape kept."""
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """The temperature minimising the log-loss of out-of-fold scores.

    Returns
    -------
    temperature, loss, loss_before : float
        The temperature (rounded to 4 places) and the log-loss with it and with 1.
    """
    truth = np.searchsorted(np.unique(y), y)

    def nll(t):
        z = scores / t
        z = z - z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), truth]))

    t = round(float(minimize_scalar(nll, bounds=(0.05, 20), method="bounded").x), 4)
    return t, nll(t), nll(1.0)


def in_label_order(proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Reorder probability columns from ``classes`` order to :data:`LABELS` order (absent labels get 0)."""
    out = np.zeros((len(proba), len(LABELS)))
    for j, c in enumerate(classes):
        out[:, LABELS.index(str(c))] = proba[:, j]
    return out
