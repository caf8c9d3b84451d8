"""The stance model: probabilities by label name, and a safe, atomic artifact.

The pipeline is ``DyadMasker -> ColumnTransformer(TF-IDF per view) -> LogisticRegression``, optionally
calibrated (built by :mod:`training.pipeline`, whose names this module re-exports). :func:`save_model`
writes it in the skops format (a zip of JSON and arrays: loading it runs no code) with its metadata (library
versions, labels, training inputs with their sha256, data counts, config, seed, metrics, creation time and
the sha256 of the model bytes) into a fresh version folder, and switches the model path, a symlink, to it in
one step (:mod:`training.artifact` gives the layout). :func:`load_model` refuses a pickle or joblib file, a
type outside :data:`TRUSTED_TYPES`, an object that is not the stance pipeline, malformed metadata, and a
file whose hash, scikit-learn version or features version does not match its metadata.
"""

from __future__ import annotations

import datetime as dt
import platform
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from skops.io.exceptions import UntrustedTypesFoundException

from training.articles import LABELS
from training.artifact import ModelError, ModelLocked, model_lock, read_artifact, read_extra, write_artifact
from training.events.quad import QUAD_FILE, QuadClassifier
from training.features import FEATURES_VERSION, DyadMasker
from training.pipeline import DEFAULT_CONFIG, build_classifier, build_pipeline, build_vectorizer
from training.scorer import LinearScorer

__all__ = ["DEFAULT_CONFIG", "DEFAULT_MODEL_PATH", "ModelError", "ModelLocked", "StanceModel", "TRUSTED_TYPES",
           "build_pipeline", "build_classifier", "build_vectorizer", "check_metadata", "check_pipeline", "save_model",
           "load_model", "library_versions", "model_lock"]

# Where training.fit writes and every reader (evaluate, the service, archive coding) looks by default: a symlink
# to the current version folder (see training.artifact).
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "stance"

# The types a stance pipeline holds beyond skops' own trusted set (scikit-learn estimators, numpy, scipy,
# builtins), found with skops.io.get_untrusted_types on pipelines built with every calibration option
# (tests/test_model.py checks it). Anything else in a model file is refused.
TRUSTED_TYPES = (
    "sklearn.calibration._CalibratedClassifier",  # calibration "sigmoid" or "isotonic"
    "sklearn.calibration._SigmoidCalibration",    # calibration "sigmoid"
    "training.features.DyadMasker",
)


def library_versions() -> dict[str, str]:
    """Versions recorded in the artifact: python, scikit-learn, numpy, datasets."""
    import datasets

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "datasets": datasets.__version__}


@dataclass
class StanceModel:
    """A fitted pipeline with its metadata.

    Attributes
    ----------
    pipeline : sklearn.pipeline.Pipeline
    metadata : dict
        The content of the artifact's JSON file.
    quad : QuadClassifier or None
        The verbal/material classifier saved with the model (:mod:`training.events.quad`), if any.
    """

    pipeline: Pipeline
    metadata: dict
    quad: QuadClassifier | None = None
    _linear: object = field(default=None, init=False, repr=False)

    def __post_init__(self):
        # built once with the model (about 0.1 s), not in the first request that scores
        extra = None if self.quad is None else (self.quad.weights[None, :], np.array([self.quad.intercept]))
        self._linear = LinearScorer.build(self.pipeline, extra) if hasattr(self.pipeline, "named_steps") else False

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
        probs, known, _ = self.score_events(examples)
        return probs, known

    def score_events(self, examples: Sequence[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """:meth:`score` and, in the same pass, the quad classifier's probability of deeds.

        Returns
        -------
        probabilities, known
            As :meth:`score`.
        material : ndarray of float, shape (n_samples,), or None
            Probability that each sentence reports deeds rather than words; None without a quad classifier.
        """
        none = None if self.quad is None else np.zeros(0)
        if not examples:
            return np.zeros((0, len(LABELS))), np.zeros(0, dtype=int), none
        steps = self.pipeline.named_steps
        views = steps["mask"].transform(examples)
        if self._linear:  # the whole batch through array operations (training/scorer.py)
            raw, known, extra = self._linear.score_all(views)
            material = None if self.quad is None else 1.0 / (1.0 + np.exp(-extra[:, 0]))
            return self._by_label(raw), known, material
        matrix = steps["features"].transform(views)
        raw = steps["clf"].predict_proba(matrix)
        vocab = steps["features"].named_transformers_["sentence"].vocabulary_
        skip = {"xsrcx", "xtgtx", "xothx"}
        known = np.array([sum(1 for t in v.split() if t in vocab and t not in skip) for v in views[:, 0]])
        return self._by_label(raw), known, None if self.quad is None else self.quad.p_material(matrix)


def save_model(pipeline: Pipeline, metadata: dict, path: str | Path, *, quad: QuadClassifier | None = None) -> dict:
    """Save the pipeline and its metadata as one new version, switched to in one step.

    Both files are written into a fresh version folder beside ``path`` and ``path`` (a symlink) is moved
    to it by one ``os.replace``, under a lock against a concurrent save to the same path; a crash leaves
    the previous version in place (see :mod:`training.artifact`).

    Parameters
    ----------
    pipeline : Pipeline
    metadata : dict
        JSON-serialisable; ``versions``, ``labels``, ``features_version``, ``created``, ``sha256``,
        ``format``, ``version`` and ``files`` are added.
    path : str or path-like
        The model path, e.g. :data:`DEFAULT_MODEL_PATH`.
    quad : QuadClassifier, optional
        Saved beside the pipeline as ``quad.skops`` (its sha256 in the metadata's ``extra_sha256``); its
        description belongs in ``metadata["quad"]``.

    Returns
    -------
    dict
        The metadata as written.

    Raises
    ------
    ModelLocked
        If another process is saving to ``path``.
    """
    check_pipeline(pipeline)
    for _, vectorizer, _ in pipeline.named_steps["features"].transformers_:
        if hasattr(vectorizer, "stop_words_"):  # a set: its stored order varies between runs; unused
            vectorizer.stop_words_ = None
    meta = {"versions": library_versions(), "labels": list(LABELS), "features_version": FEATURES_VERSION, **metadata,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    payload = sio.dumps(pipeline, compression=8)  # zipfile.ZIP_DEFLATED
    untrusted = set(sio.get_untrusted_types(data=payload)) - set(TRUSTED_TYPES)
    if untrusted:  # it could not be loaded again: refuse before replacing a working model
        raise ModelError(f"the pipeline holds types outside TRUSTED_TYPES: {', '.join(sorted(untrusted))}")
    extra = None
    if quad is not None:
        if quad.weights.shape[0] != getattr(pipeline.named_steps["clf"], "n_features_in_", quad.weights.shape[0]):
            raise ModelError("the quad classifier was fitted on another feature matrix than the pipeline's")
        extra = {QUAD_FILE: quad.dumps()}
        meta["quad"] = {**meta.get("quad", {}), "file": QUAD_FILE}
    return write_artifact(path, payload, meta, extra=extra)


_META_TYPES = {"versions": dict, "labels": list, "features_version": int, "sha256": str, "created": str,
               "data": dict, "metrics": dict, "config": dict, "inputs": list, "format": str}
_REQUIRED = ("versions", "labels", "features_version", "sha256", "created", "format")


def check_metadata(meta) -> dict:
    """Refuse metadata of the wrong shape, format or versions; return it unchanged.

    Raises
    ------
    ModelError
        Naming the field that is missing, of the wrong type, or does not match this code.
    """
    def bad(msg):
        return ModelError(f"model metadata is malformed: {msg}", public=f"the model's metadata is malformed: {msg}")

    if not isinstance(meta, dict):
        raise bad(f"it is a JSON {type(meta).__name__}, not an object")
    for key in _REQUIRED:
        if key not in meta:
            raise bad(f"field '{key}' is missing")
    for key, kind in _META_TYPES.items():
        if key in meta and not (isinstance(meta[key], kind) and not isinstance(meta[key], bool)):
            raise bad(f"field '{key}' is a {type(meta[key]).__name__}, not a {kind.__name__}")
    if meta["format"] != "skops":
        raise bad(f"field 'format' is '{str(meta['format'])[:20]}', not 'skops'")
    if sorted(map(str, meta["labels"])) != sorted(LABELS):
        raise bad(f"field 'labels' must hold {', '.join(LABELS)}")
    saved = meta["versions"].get("scikit-learn")
    if saved != sklearn.__version__:
        msg = (f"the model was saved with scikit-learn {str(saved)[:20]}, but scikit-learn {sklearn.__version__} "
               f"is installed; retrain it or install scikit-learn=={str(saved)[:20]}")
        raise ModelError(msg, public=msg)
    if meta["features_version"] != FEATURES_VERSION:
        msg = (f"the model was built with features version {meta['features_version']}, but this code builds "
               f"version {FEATURES_VERSION}; retrain it with `python -m training.fit`")
        raise ModelError(msg, public=msg)
    return meta


def check_pipeline(obj) -> Pipeline:
    """Refuse anything but a stance pipeline: steps mask/features/clf, a DyadMasker, predict_proba, the labels.

    Raises
    ------
    ModelError
    """
    def bad(msg):
        return ModelError(f"the model is not a stance pipeline: {msg}", public=f"the model is not a stance "
                          f"pipeline: {msg}")

    if not isinstance(obj, Pipeline):
        raise bad(f"it is a {type(obj).__name__}")
    names = [name for name, _ in obj.steps]
    if names != ["mask", "features", "clf"]:
        raise bad(f"its steps are {names[:5]}, not ['mask', 'features', 'clf']")
    steps = obj.named_steps
    if not isinstance(steps["mask"], DyadMasker) or not isinstance(steps["features"], ColumnTransformer):
        raise bad("its mask step is not a DyadMasker or its features step not a ColumnTransformer")
    if not callable(getattr(steps["clf"], "predict_proba", None)):
        raise bad("its classifier has no predict_proba")
    classes = getattr(steps["clf"], "classes_", None)
    if classes is None or sorted(map(str, classes)) != sorted(LABELS):
        raise bad(f"its classes are not {', '.join(LABELS)}")
    return obj


def load_model(path: str | Path = DEFAULT_MODEL_PATH) -> StanceModel:
    """Load a saved model after checking it is safe and matches its metadata.

    No code from the file runs: the skops file may hold only skops' trusted types and
    :data:`TRUSTED_TYPES`, and is refused before anything is built otherwise.

    Parameters
    ----------
    path : str or path-like, default=DEFAULT_MODEL_PATH
        The model path (the symlink :func:`save_model` writes) or one version folder.

    Returns
    -------
    StanceModel

    Raises
    ------
    ModelError
        If the model is missing, a pickle or joblib file, holds an untrusted type, is not a stance
        pipeline, has malformed metadata, or its sha256, scikit-learn version or features version does not
        match its metadata. ``.public`` gives the reason without paths or hashes.
    """
    folder, meta, payload = read_artifact(path)
    check_metadata(meta)
    try:  # skops audits the file's types before it builds anything
        pipeline = sio.loads(payload, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException:
        extra = sorted(set(sio.get_untrusted_types(data=payload)) - set(TRUSTED_TYPES))
        names = ", ".join(t[:80] for t in extra[:5])
        raise ModelError(f"model file in {folder} holds untrusted types: {names}; refusing to load it",
                         public=f"the model file holds untrusted types: {names}") from None
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:  # not a zip, or a zip without skops' schema
        raise ModelError(f"model file in {folder} is not a skops file ({type(exc).__name__})",
                         public="the model file is not a skops file (a pickle or joblib file is refused)") from None
    except Exception as exc:
        raise ModelError(f"model file in {folder} could not be loaded ({type(exc).__name__}: {str(exc)[:200]})",
                         public="the model file could not be loaded") from None
    check_pipeline(pipeline)
    quad = None
    if isinstance(meta.get("quad"), dict) and meta["quad"].get("file") == QUAD_FILE:
        try:
            quad = QuadClassifier.loads(read_extra(folder, meta, QUAD_FILE))
        except ValueError as exc:
            raise ModelError(f"model in {folder}: {exc}", public=str(exc)) from None
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ModelError(f"model in {folder}: {QUAD_FILE} is not a skops file ({type(exc).__name__})",
                             public=f"the model's {QUAD_FILE} is not a skops file") from None
    try:
        return StanceModel(pipeline, meta, quad)
    except Exception as exc:
        raise ModelError(f"model in {folder} cannot score ({type(exc).__name__})",
                         public="the model cannot score: its pipeline is incomplete") from None
