"""The model artifact: no code runs on load, trusted types, checked object and metadata, atomic versions, lock."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import skops.io as sio

from training import artifact
from training.model import (
    TRUSTED_TYPES,
    ModelError,
    ModelLocked,
    build_pipeline,
    load_model,
    model_lock,
    save_model,
)

A = ["Peru", "Iran", "Chad", "Cuba", "Fiji", "Laos"]
VERBS = {"support": ["praised", "backed", "thanked"], "oppose": ["condemned", "accused", "sanctioned"],
         "neutral": ["met", "visited", "saw"]}
EX = [{"text": "Peru praised Chad.", "source_spans": [[0, 4]], "target_spans": [[13, 17]], "other_spans": []}]


def _data():
    X, y = [], []
    for i in range(60):
        for label, verbs in VERBS.items():
            a, b = A[i % 6], A[(i + 1) % 6]
            text = f"{a} {verbs[i % 3]} {b} today."
            start = text.index(b, len(a))
            X.append({"text": text, "source_spans": [[0, len(a)]], "target_spans": [[start, start + len(b)]],
                      "other_spans": []})
            y.append(label)
    return X, y


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline({"calibration": "none"}).fit(*_data())


@pytest.fixture()
def saved(pipeline, tmp_path):
    path = tmp_path / "models" / "stance"
    save_model(pipeline, {"note": "first"}, path)
    return path


class Boom:
    """Unpickling this would create a file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _forge(folder, payload: bytes, meta: dict | None = None, like=None):
    """A version folder whose metadata records the sha256 of ``payload``."""
    folder.mkdir(parents=True)
    base = json.loads((like / "metadata.json").read_text()) if like is not None else {}
    meta = {**base, **(meta or {}), "sha256": hashlib.sha256(payload).hexdigest()}
    (folder / "model.skops").write_bytes(payload)
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


# -- trusted types -------------------------------------------------------------------------------------
@pytest.mark.parametrize("calibration", ["none", "sigmoid", "isotonic"])
def test_trusted_types_cover_every_pipeline(calibration):
    p = build_pipeline({"calibration": calibration}).fit(*_data())
    assert set(sio.get_untrusted_types(data=sio.dumps(p))) <= set(TRUSTED_TYPES)


def test_trusted_types_are_all_needed():
    needed = set()
    for calibration in ("none", "sigmoid", "isotonic"):
        p = build_pipeline({"calibration": calibration}).fit(*_data())
        needed |= set(sio.get_untrusted_types(data=sio.dumps(p)))
    assert needed == set(TRUSTED_TYPES)


def test_fresh_artifact_types_are_trusted(saved):
    assert set(sio.get_untrusted_types(file=saved / "model.skops")) == {"training.features.DyadMasker"}


def test_round_trip(saved, pipeline):
    m = load_model(saved)
    assert m.predict_proba(EX)[0].argmax() == 0  # support
    assert np.allclose(m.pipeline.predict_proba(EX), pipeline.predict_proba(EX))
    assert m.metadata["note"] == "first" and m.metadata["format"] == "skops"


# -- nothing runs, wrong things are refused ---------------------------------------------------------------
def test_pickle_with_reduce_runs_nothing(saved, tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Boom(str(marker)))
    folder = _forge(tmp_path / "evil", payload, like=saved.resolve())
    with pytest.raises(ModelError, match="not a skops file") as info:
        load_model(folder)
    assert "pickle or joblib file is refused" in info.value.public
    assert not marker.exists()


def test_single_pickle_file_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    (tmp_path / "stance.joblib").write_bytes(pickle.dumps(Boom(str(marker))))
    with pytest.raises(ModelError, match="single file.*pickle and joblib files are refused"):
        load_model(tmp_path / "stance.joblib")
    assert not marker.exists()


def test_untrusted_type_refused(saved, tmp_path):
    payload = sio.dumps(Boom("x"))
    folder = _forge(tmp_path / "odd", payload, like=saved.resolve())
    with pytest.raises(ModelError, match=r"untrusted types: .*Boom") as info:
        load_model(folder)
    assert str(tmp_path) not in info.value.public


def test_wrong_object_refused(saved, tmp_path):
    folder = _forge(tmp_path / "dict", sio.dumps({"steps": [1, 2]}), like=saved.resolve())
    with pytest.raises(ModelError, match="not a stance pipeline: it is a dict"):
        load_model(folder)


def test_pipeline_with_other_steps_refused(saved, tmp_path, pipeline):
    from sklearn.pipeline import Pipeline

    other = Pipeline([("features", pipeline.named_steps["features"]), ("clf", pipeline.named_steps["clf"])])
    folder = _forge(tmp_path / "two", sio.dumps(other), like=saved.resolve())
    with pytest.raises(ModelError, match=r"its steps are \['features', 'clf'\]"):
        load_model(folder)


@pytest.mark.parametrize("meta, message", [
    ([], "it is a JSON list, not an object"),
    ({"versions": "1.9.1"}, "field 'versions' is a str, not a dict"),
    ({"labels": "support"}, "field 'labels' is a str, not a list"),
    ({"labels": ["a", "b", "c"]}, "field 'labels' must hold support, oppose, neutral"),
    ({"features_version": "2"}, "field 'features_version' is a str, not a int"),
    ({"format": "pickle"}, "field 'format' is 'pickle', not 'skops'"),
    ({"data": [1]}, "field 'data' is a list, not a dict"),
    ({"created": None}, "field 'created' is a NoneType, not a str"),
])
def test_malformed_metadata_refused(saved, tmp_path, meta, message):
    folder = tmp_path / "v"
    shutil.copytree(saved.resolve(), folder)
    good = json.loads((folder / "metadata.json").read_text())
    (folder / "metadata.json").write_text(json.dumps(meta if isinstance(meta, list) else {**good, **meta}))
    with pytest.raises(ModelError, match=message):
        load_model(folder)


def test_metadata_missing_field_and_bad_json(saved, tmp_path):
    folder = tmp_path / "v"
    shutil.copytree(saved.resolve(), folder)
    meta = json.loads((folder / "metadata.json").read_text())
    del meta["features_version"]
    (folder / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="field 'features_version' is missing"):
        load_model(folder)
    (folder / "metadata.json").write_bytes(b"[" * 100_000)
    with pytest.raises(ModelError, match="not valid JSON"):
        load_model(folder)


# -- atomic versions ------------------------------------------------------------------------------------
def test_layout_hash_and_modes(saved):
    assert saved.is_symlink() and not os.path.isabs(os.readlink(saved))
    folder = saved.resolve()
    meta = json.loads((folder / "metadata.json").read_text())
    assert folder.parent == saved.parent / "stance.versions" and folder.name == meta["version"]
    assert meta["sha256"] == hashlib.sha256((folder / "model.skops").read_bytes()).hexdigest()
    umask = os.umask(0)
    os.umask(umask)
    for p in (folder / "model.skops", folder / "metadata.json"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask


def test_old_versions_are_bounded(saved, pipeline):
    first = saved.resolve().name
    for i in range(4):
        save_model(pipeline, {"note": str(i)}, saved)
    versions = sorted(p.name for p in (saved.parent / "stance.versions").iterdir())
    assert len(versions) == artifact.KEEP_VERSIONS and first not in versions
    assert saved.resolve().name == versions[-1] and load_model(saved).metadata["note"] == "3"


def test_failed_save_leaves_old_version_and_no_temporaries(saved, pipeline, monkeypatch):
    before = sorted(os.listdir(saved.parent)), sorted(os.listdir(saved.parent / "stance.versions"))

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(artifact.os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        save_model(pipeline, {"note": "second"}, saved)
    assert (sorted(os.listdir(saved.parent)), sorted(os.listdir(saved.parent / "stance.versions"))) == before
    assert load_model(saved).metadata["note"] == "first"


def test_killed_save_keeps_a_consistent_model_and_is_cleaned_up(saved, pipeline, tmp_path):
    script = textwrap.dedent(f"""
        import os, signal, pickle
        from training import artifact
        from training.model import save_model
        from tests.test_artifact import _data
        from training.model import build_pipeline
        real = os.replace
        def die(src, dst):
            os.kill(os.getpid(), signal.SIGKILL)
        artifact.os.replace = die
        save_model(build_pipeline({{"calibration": "none"}}).fit(*_data()), {{"note": "killed"}}, {str(saved)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd(), capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    leftovers = [p for p in os.listdir(saved.parent) if p.endswith(".tmp")]
    assert leftovers  # the killed run left its temporary link
    assert load_model(saved).metadata["note"] == "first"  # model and metadata of one run
    save_model(pipeline, {"note": "next"}, saved)
    assert not [p for p in os.listdir(saved.parent) if p.endswith(".tmp")]
    assert not [p for p in os.listdir(saved.parent / "stance.versions") if p.endswith(".tmp")]
    assert load_model(saved).metadata["note"] == "next"


def test_lock_refuses_a_concurrent_save(saved, pipeline):
    fd = os.open(saved.parent / ".stance.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as another fit would
        with pytest.raises(ModelLocked, match="another process is writing a model to"):
            save_model(pipeline, {"note": "second"}, saved)
    finally:
        os.close(fd)
    assert load_model(saved).metadata["note"] == "first"
    with model_lock(saved):  # re-entrant in one process: a fit holds it and saves
        save_model(pipeline, {"note": "second"}, saved)
    assert load_model(saved).metadata["note"] == "second"


def test_fit_refuses_a_locked_out(tmp_path, capsys):
    from tests.test_model import pair_file
    from training.fitting import fit

    out = tmp_path / "stance"
    fd = os.open(tmp_path / ".stance.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code = fit.main(["--no-articles", "--data", str(pair_file(tmp_path / "p.jsonl", n_docs=10)), "--no-search",
                         "--out", str(out), "--cache-dir", str(tmp_path / "c")])
    finally:
        os.close(fd)
    assert code == 2 and "another process is writing a model to" in capsys.readouterr().err
    assert not out.exists()


def test_a_real_folder_is_not_overwritten(tmp_path, pipeline):
    (tmp_path / "stance").mkdir()
    with pytest.raises(ModelError, match="is a folder, not a model link"):
        save_model(pipeline, {}, tmp_path / "stance")
