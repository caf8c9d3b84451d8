"""Shared fixtures: one small model trained once per test session on the embedded corpus.

The seed article is left out of its training data, so tests on the seed article measure a model that
never saw it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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



# -- a real ``uvicorn serving.app:app`` process, for the tests that need the service as deployed --------------
UVICORN_START_TIMEOUT = 60.0


@dataclass
class Server:
    """A running service: ``base`` URL, the process, its log file and the first ``/health`` answer."""

    base: str
    proc: subprocess.Popen
    log_path: Path
    health: object  # httpx.Response


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, log_path: Path):
    """The first ``/health`` answer (200, or 503 when no model loads); fails if uvicorn exits or is silent."""
    import httpx

    deadline = time.monotonic() + UVICORN_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"uvicorn exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            r = httpx.get(f"{base}/health", timeout=2.0)
            if r.status_code in (200, 503):
                return r
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"no answer from {base}/health within {UVICORN_START_TIMEOUT:.0f} s:\n"
                         f"{log_path.read_text()[-3000:]}")


@contextlib.contextmanager
def run_uvicorn(env: dict[str, str], log_path: Path, *, cwd: str | Path | None = None) -> Iterator[Server]:
    """Start ``uvicorn serving.app:app`` on a free loopback port with ``env`` (``GEOSTANCE_API_KEY`` removed),
    wait for ``/health``, and stop it (terminate, then kill) when the block ends."""
    from serving.settings import REPO_ROOT

    env = dict(env)
    env.pop("GEOSTANCE_API_KEY", None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "serving.app:app", "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=REPO_ROOT if cwd is None else cwd, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            yield Server(base, proc, log_path, wait_healthy(base, proc, log_path))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def uvicorn_server():
    """:func:`run_uvicorn`, for tests and fixtures of any scope."""
    return run_uvicorn
