"""The stance model: pipeline, probabilities by label name, and a checked, atomic artifact.

The pipeline is ``DyadMasker -> ColumnTransformer(TF-IDF per view) -> LogisticRegression``, optionally
calibrated. It is saved as ``<name>.joblib`` beside ``<name>.json``; the JSON holds the library versions,
labels, training inputs with their sha256, data counts, config, seed, metrics, creation time and the
sha256 of the joblib file. :func:`load_model` refuses a file whose hash or scikit-learn version does not
match its metadata.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from training.articles import LABELS
from training.features import FEATURES_VERSION, DyadMasker
from training.scorer import LinearScorer

__all__ = ["DEFAULT_CONFIG", "DEFAULT_MODEL_PATH", "ModelError", "StanceModel", "build_pipeline", "build_classifier",
           "build_vectorizer", "save_model", "load_model", "library_versions"]

# Where training.fit writes and every reader (evaluate, the service, archive coding) looks by default.
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "stance.joblib"

DEFAULT_CONFIG = {
    "C": 4.0,
    "class_weight": "balanced",
    "sentence_ngrams": [1, 3],
    "between_ngrams": [1, 3],
    "relation_ngrams": [1, 2],
    "near_ngrams": [1, 1],
    "min_df": 1,
    "calibration": "temperature",  # "temperature" (set by training.fit), "none", "sigmoid" or "isotonic"
}


class ModelError(RuntimeError):
    """A model artifact is missing, tampered with, or from another scikit-learn version."""


def library_versions() -> dict[str, str]:
    """Versions recorded in the artifact: python, scikit-learn, numpy, datasets."""
    import datasets

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "datasets": datasets.__version__}


def build_vectorizer(config: dict) -> ColumnTransformer:
    """TF-IDF per view of :class:`~training.features.DyadMasker`, as one ColumnTransformer.

    Tokens are the masker's white-space tokens, so negation marks, placeholders and "u.s." are kept.
    """
    def tfidf(ngrams):
        return TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=tuple(ngrams),
                               min_df=config["min_df"], sublinear_tf=True, dtype=np.float32)

    return ColumnTransformer([
        ("sentence", tfidf(config["sentence_ngrams"]), 0),
        ("between", tfidf(config["between_ngrams"]), 1),
        ("relation", tfidf(config["relation_ngrams"]), 2),
        ("near", tfidf(config["near_ngrams"]), 3),
    ])


def build_classifier(config: dict, seed: int):
    """Logistic regression, wrapped in ``CalibratedClassifierCV`` for ``sigmoid`` or ``isotonic``
    calibration. Temperature scaling keeps the plain model: :mod:`training.fit` divides its fitted weights
    by the temperature, which changes no decision."""
    lr = LogisticRegression(C=config["C"], class_weight=config["class_weight"], max_iter=5000,
                            random_state=seed)
    if config.get("calibration", "none") in ("none", "temperature"):
        return lr
    return CalibratedClassifierCV(lr, method=config["calibration"], cv=5, ensemble=False)


def build_pipeline(config: dict | None = None, *, seed: int = 13) -> Pipeline:
    """The full, unfitted stance pipeline.

    Parameters
    ----------
    config : dict, optional
        Keys of :data:`DEFAULT_CONFIG`; missing keys take the defaults.
    seed : int, default=13

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``mask``, ``features``, ``clf``; fit on a list of example dicts and label strings.
    """
    config = {**DEFAULT_CONFIG, **(config or {})}
    return Pipeline([("mask", DyadMasker()), ("features", build_vectorizer(config)),
                     ("clf", build_classifier(config, seed))])


@dataclass
class StanceModel:
    """A fitted pipeline with its metadata.

    Attributes
    ----------
    pipeline : sklearn.pipeline.Pipeline
    metadata : dict
        The content of the artifact's JSON file.
    """

    pipeline: Pipeline
    metadata: dict
    _linear: object = field(default=None, init=False, repr=False)

    def __post_init__(self):
        # built once with the model (about 0.1 s), not in the first request that scores
        self._linear = LinearScorer.build(self.pipeline) if hasattr(self.pipeline, "named_steps") else False

    def predict_proba(self, examples: Sequence[dict]) -> np.ndarray:
        """Probabilities by label name.

        Parameters
        ----------
        examples : sequence of dict
            Examples from :mod:`training.examples`.

        Returns
        -------
        ndarray of float, shape (n_samples, 3)
            Columns in the order of :data:`training.articles.LABELS` (support, oppose, neutral),
            whatever order the classifier keeps internally; rows sum to 1.
        """
        if not examples:
            return np.zeros((0, len(LABELS)))
        return self._by_label(self.pipeline.predict_proba(list(examples)))

    def _by_label(self, raw: np.ndarray) -> np.ndarray:
        classes = list(self.pipeline.classes_)
        out = np.zeros((raw.shape[0], len(LABELS)))
        for j, label in enumerate(LABELS):
            if label in classes:
                out[:, j] = raw[:, classes.index(label)]
        return out

    def score(self, examples: Sequence[dict]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities and known-word counts in one pass of the masker.

        Returns
        -------
        probabilities : ndarray of float, shape (n_samples, 3)
            As :meth:`predict_proba`.
        known : ndarray of int, shape (n_samples,)
            How many words of each sentence are in the model's vocabulary, placeholders aside; 0 means
            the model has nothing to read but the actors.
        """
        if not examples:
            return np.zeros((0, len(LABELS))), np.zeros(0, dtype=int)
        steps = self.pipeline.named_steps
        views = steps["mask"].transform(examples)
        if self._linear:  # the whole batch through array operations (training/scorer.py)
            raw, known = self._linear.score(views)
            return self._by_label(raw), known
        raw = steps["clf"].predict_proba(steps["features"].transform(views))
        vocab = steps["features"].named_transformers_["sentence"].vocabulary_
        skip = {"xsrcx", "xtgtx", "xothx"}
        known = np.array([sum(1 for t in v.split() if t in vocab and t not in skip) for v in views[:, 0]])
        return self._by_label(raw), known


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_model(pipeline: Pipeline, metadata: dict, path: str | Path) -> dict:
    """Save the pipeline and its metadata atomically.

    The joblib file is written to a temporary file in the same folder and moved into place only once
    complete; then the JSON, which carries the joblib file's sha256, likewise. A crash leaves the
    previous artifact in place.

    Parameters
    ----------
    pipeline : Pipeline
    metadata : dict
        JSON-serialisable; ``versions``, ``labels``, ``created`` and ``sha256`` are added.
    path : str or path-like
        The ``.joblib`` path; the metadata goes to the same name with ``.json``.

    Returns
    -------
    dict
        The metadata as written.
    """
    path = Path(path)
    for _, vectorizer, _ in pipeline.named_steps["features"].transformers_:
        if hasattr(vectorizer, "stop_words_"):  # a set: its pickled order varies between runs; unused
            vectorizer.stop_words_ = None
    meta = {"versions": library_versions(), "labels": list(LABELS), "features_version": FEATURES_VERSION, **metadata,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    _atomic_write(path, lambda fh: joblib.dump(pipeline, fh, compress=3))
    meta["sha256"] = _sha256(path)
    body = json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
    _atomic_write(path.with_suffix(".json"), lambda fh: fh.write(body))
    return meta


def load_model(path: str | Path) -> StanceModel:
    """Load a saved model after checking it against its metadata.

    Parameters
    ----------
    path : str or path-like
        The ``.joblib`` file; its ``.json`` must sit beside it.

    Returns
    -------
    StanceModel

    Raises
    ------
    ModelError
        If either file is missing or unreadable, the sha256 differs from the one recorded, or the model
        was saved with another scikit-learn version or features version (both versions are named).
    """
    path = Path(path)
    meta_path = path.with_suffix(".json")
    if not path.is_file():
        raise ModelError(f"model file {path} does not exist; train one with `python -m training.fit`")
    if not meta_path.is_file():
        raise ModelError(f"model metadata {meta_path} does not exist beside {path}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"model metadata {meta_path} is unreadable: {exc}") from None
    actual = _sha256(path)
    if actual != meta.get("sha256"):
        raise ModelError(f"model file {path} has sha256 {actual}, but {meta_path} records "
                         f"{meta.get('sha256')}: the file was changed or replaced; refusing to load it")
    saved = meta.get("versions", {}).get("scikit-learn")
    if saved != sklearn.__version__:
        raise ModelError(f"model {path} was saved with scikit-learn {saved}, but scikit-learn "
                         f"{sklearn.__version__} is installed; retrain it or install scikit-learn=={saved}")
    if meta.get("features_version") != FEATURES_VERSION:
        raise ModelError(f"model {path} was built with features version {meta.get('features_version')}, but this "
                         f"code builds version {FEATURES_VERSION}; retrain it with `python -m training.fit`")
    try:
        pipeline = joblib.load(path)
    except Exception as exc:  # unpickling raises many types
        raise ModelError(f"model file {path} could not be loaded: {exc}") from None
    return StanceModel(pipeline, meta)
