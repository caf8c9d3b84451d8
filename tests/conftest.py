"""Shared fixtures: one small model trained once per test session on the embedded corpus.

The seed article is left out of its training data, so tests on the seed article measure a model that
never saw it.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SEED_ID = "000_3dbf35ee1580a863"


@pytest.fixture(scope="session")
def model_path(tmp_path_factory):
    """Path of a model trained on the embedded corpus without the seed article (no grid search)."""
    from training.fitting import fit

    out = tmp_path_factory.mktemp("model") / "stance.joblib"
    code = fit.main(["--no-search", "--exclude-doc", SEED_ID, "--out", str(out),
                     "--cache-dir", str(tmp_path_factory.mktemp("cache"))])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def dictionary():
    from training.actors import default_dictionary

    return default_dictionary()


@pytest.fixture(scope="session")
def predictor(model_path, dictionary):
    from training.model import load_model
    from training.predict import StancePredictor

    return StancePredictor(load_model(model_path), dictionary)
