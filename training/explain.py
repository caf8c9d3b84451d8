"""Why a pair got its stance: the features of each evidence sentence that pushed toward it and against it.

The model is linear: for a sentence with TF-IDF vector ``x`` (shape (n_features,)), the logit of label
``k`` is ``z_k = x . w_k + b_k`` and the probabilities are ``softmax(z)``. A pair's prediction is explained
against its **runner-up** label ``r`` (the second most probable label of the pair): the contribution of
feature ``j`` in a sentence is

    c_j = x_j * (w_label,j - w_r,j)

and, with ``intercept = b_label - b_r``, ``intercept + sum_j c_j = z_label - z_r = log(p_label / p_r)``
of that sentence, exactly (:attr:`SentenceExplanation.logit`). A positive ``c_j`` pushes the sentence
toward the pair's label, a negative one toward the runner-up. The runner-up rather than the mean of the
other labels is chosen because it answers the question an analyst asks ("why support rather than
neutral?") and keeps the sum an exact log-odds. Every evidence sentence is explained against the same
two labels, those of the pair, so a sentence read as ``neutral`` in a ``support`` pair shows a negative
logit. The TF-IDF values come from the fitted vectorizers' ``transform`` and the weights from the fitted
classifier's ``coef_`` (divided by the temperature when the model was temperature-scaled, as
:mod:`training.fitting.fit` stores it); with ``sigmoid`` or ``isotonic`` calibration the logits are those of
the uncalibrated logistic regression.

Each feature is mapped back to the words of the sentence it comes from (:mod:`training.feature_spans`): the
``sentence`` view is the masked sentence token for token; ``between`` and ``relation`` words come from
between the two actors, ``near`` words from the windows beside them (``sl:``, ``tr:`` ...), each matched
through the masker's stems (``fw:condemn`` -> "condemned"); polarity tags (``fw:neg``) map to the
words of the VADER lexicon with that polarity in the same place. Flags (``_st``, ``_passive``,
``_fw``) have no span. When the sentence's tokens cannot be aligned with the masker's, no span is given
rather than a wrong one.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression

from training.feature_spans import _Aligner
from training.features import VIEWS

__all__ = ["Contribution", "SentenceExplanation", "explain_examples", "explain_pair", "explain_pairs", "runner_up",
           "MAX_TOP"]

MAX_TOP = 20


@dataclass
class Contribution:
    """One feature's push on a sentence's log-odds.

    Attributes
    ----------
    view : str
        One of :data:`training.features.VIEWS`.
    feature : str
        The n-gram as the model reads it (``xsrcx condemned xtgtx``, ``fw:condemn``, ``tl:neg``).
    value : float
        Its TF-IDF value in the sentence.
    weight : float
        ``value * (coef[label] - coef[versus])``: positive pushes toward ``label``.
    spans : list of (int, int)
        Character spans in the sentence (offsets into the evidence ``text``) of the words it comes from;
        empty when it has none (a flag such as ``_passive``) or cannot be placed.
    """

    view: str
    feature: str
    value: float
    weight: float
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class SentenceExplanation:
    """Why one evidence sentence leans toward ``label`` rather than ``versus``.

    Attributes
    ----------
    label, versus : str
        The pair's stance and its runner-up label.
    logit : float
        ``log(p_label / p_versus)`` of this sentence; equals ``intercept`` plus the sum of the weights of
        every feature of the sentence (not only those listed).
    intercept : float
        ``b_label - b_versus``.
    toward : list of Contribution
        The features that pushed most toward ``label``, strongest first (positive weights).
    against : list of Contribution
        The features that pushed most toward ``versus``, strongest first (negative weights).
    n_features : int
        How many features of the sentence are non-zero.
    """

    label: str
    versus: str
    logit: float
    intercept: float
    toward: list[Contribution]
    against: list[Contribution]
    n_features: int


def runner_up(probabilities: dict[str, float], label: str) -> str:
    """The most probable label other than ``label``."""
    return max((k for k in probabilities if k != label), key=lambda k: probabilities[k])


@functools.lru_cache(maxsize=4)
def _tables(pipeline) -> tuple[LogisticRegression, list[tuple[str, int, int, np.ndarray]]]:
    """The logistic regression and, per view, its column range and terms (cached per fitted pipeline)."""
    clf = pipeline.named_steps["clf"]
    if not isinstance(clf, LogisticRegression):  # CalibratedClassifierCV(ensemble=False): one base model
        calibrated = getattr(clf, "calibrated_classifiers_", None)
        clf = calibrated[0].estimator if calibrated else None
    if not isinstance(clf, LogisticRegression) or clf.coef_.shape[0] != len(clf.classes_):
        raise ValueError("explanations need a multinomial LogisticRegression over three labels")
    features = pipeline.named_steps["features"]
    views = []
    for name, vec, _ in features.transformers_:
        if name not in VIEWS:
            continue
        terms = np.empty(len(vec.vocabulary_), dtype=object)
        for term, j in vec.vocabulary_.items():
            terms[j] = term
        sl = features.output_indices_[name]
        views.append((name, sl.start, sl.stop, terms))
    return clf, views


def explain_examples(model, examples: Sequence[dict], label: str, versus: str, *,
                     top: int = 5) -> list[SentenceExplanation]:
    """Explain each example's log-odds of ``label`` against ``versus``.

    Parameters
    ----------
    model : StanceModel
        From :func:`training.model.load_model`.
    examples : sequence of dict, length n_samples
        Examples from :mod:`training.examples` (sentence ``text`` and the actors' spans).
    label, versus : str
        Two distinct labels of the model.
    top : int, default=5
        Features listed each way per sentence (at most :data:`MAX_TOP`).

    Returns
    -------
    list of SentenceExplanation, length n_samples

    Raises
    ------
    ValueError
        If a label is unknown, ``top`` is out of range, or the model is not a logistic regression.
    """
    return _explain(model, [(list(examples), label, versus)], top=top)[0]


def explain_pairs(model, pairs: Sequence[tuple[Sequence[dict], object]], *, top: int = 5) -> None:
    """Attach a :class:`SentenceExplanation` to each evidence sentence of each pair, in one batch.

    Parameters
    ----------
    model : StanceModel
    pairs : sequence of (examples, PairStance)
        Each pair's examples, one per sentence (as :class:`~training.predict.StancePredictor` scored
        them), and its result, whose evidence gets ``explanation`` set. A result with no stance is
        left as it is. The sentences of all pairs go through the vectorizers once.
    top : int, default=5
        Features listed each way per sentence (at most :data:`MAX_TOP`).
    """
    jobs, targets = [], []
    for examples, result in pairs:
        if result.stance is None or not result.evidence:
            continue
        by_sentence = {e["sentence_index"]: e for e in examples}
        evidence = [ev for ev in result.evidence if ev.sentence_index in by_sentence]
        jobs.append(([by_sentence[ev.sentence_index] for ev in evidence], result.stance,
                     runner_up(result.probabilities, result.stance)))
        targets.append(evidence)
    for evidence, explained in zip(targets, _explain(model, jobs, top=top)):
        for ev, explanation in zip(evidence, explained):
            ev.explanation = explanation


def explain_pair(model, examples: Sequence[dict], result, *, top: int = 5) -> None:
    """:func:`explain_pairs` for one pair."""
    explain_pairs(model, [(examples, result)], top=top)


def _explain(model, jobs: Sequence[tuple[list[dict], str, str]], *, top: int) -> list[list[SentenceExplanation]]:
    """Explanations of several groups of examples, each against its own two labels, in one transform."""
    if not 1 <= top <= MAX_TOP:
        raise ValueError(f"top must be between 1 and {MAX_TOP}, not {top}")
    examples = [e for group, _, _ in jobs for e in group]
    if not examples:
        return [[] for _ in jobs]
    pipeline = model.pipeline
    clf, views = _tables(pipeline)
    classes = [str(c) for c in clf.classes_]
    masker = pipeline.named_steps["mask"]
    masked = masker.transform(examples)
    X = pipeline.named_steps["features"].transform(masked).tocsr()
    stem, window = getattr(masker, "stem", True), getattr(masker, "window", 3)
    out, row = [], 0
    for group, label, versus in jobs:
        if label not in classes or versus not in classes or label == versus:
            raise ValueError(f"label and versus must be two distinct labels of {classes}")
        k, r = classes.index(label), classes.index(versus)
        diff = np.asarray(clf.coef_[k] - clf.coef_[r]).ravel()
        intercept = float(clf.intercept_[k] - clf.intercept_[r])
        explained = []
        for example in group:
            explained.append(_one(X, row, masked[row, 0].split(), example, views, diff, intercept, label, versus,
                                  top=top, stem=stem, window=window))
            row += 1
        out.append(explained)
    return out


def _one(X, row, masked, example, views, diff, intercept, label, versus, *, top, stem, window):
    lo, hi = X.indptr[row], X.indptr[row + 1]
    cols, vals = X.indices[lo:hi], X.data[lo:hi].astype(float)
    weights = vals * diff[cols]
    order = np.argsort(-weights, kind="stable")
    aligner = _Aligner(example, masked, stem=stem, window=window)

    def contribution(i):
        view, term = _term(views, int(cols[i]))
        return Contribution(view, term, round(float(vals[i]), 6), round(float(weights[i]), 6),
                            aligner.spans(view, term))

    toward = [contribution(i) for i in order[:top] if weights[i] > 0]
    against = [contribution(i) for i in order[::-1][:top] if weights[i] < 0]
    return SentenceExplanation(label, versus, round(intercept + float(weights.sum()), 6), round(intercept, 6),
                               toward, against, int(len(cols)))


def _term(views, col: int) -> tuple[str, str]:
    for name, start, stop, terms in views:
        if start <= col < stop:
            return name, terms[col - start]
    raise IndexError(col)  # pragma: no cover - every column belongs to a view
