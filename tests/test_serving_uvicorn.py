"""The service as deployed: a real ``uvicorn serving.app:app`` process on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from serving.settings import REPO_ROOT
from training.text import clean_text

SEED = REPO_ROOT / "seeds" / "000_3dbf35ee1580a863.txt"
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(base: str, proc: subprocess.Popen, log_path) -> httpx.Response:
    deadline = time.monotonic() + START_TIMEOUT
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
    raise AssertionError(f"no answer from {base}/health within {START_TIMEOUT:.0f} s:\n"
                         f"{log_path.read_text()[-3000:]}")


def test_uvicorn_serves_the_seed_article(model_path, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "GEOSTANCE_MODEL_PATH": str(model_path)}
    env.pop("GEOSTANCE_API_KEY", None)
    log_path = tmp_path / "uvicorn.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "serving.app:app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            health = _wait_healthy(base, proc, log_path)
            assert health.status_code == 200, health.text
            assert health.json()["status"] == "ok"

            article = SEED.read_text(encoding="utf-8").split("\n", 1)[1]
            r = httpx.post(f"{base}/v1/stance", json={"text": article, "source": "China", "target": "Russia"},
                           timeout=30.0)
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["stance"] == "support", body["probabilities"]
            assert body["reason"] is None and body["evidence"]
            assert r.headers["X-Request-ID"]
            cleaned = clean_text(article)
            for ev in body["evidence"]:
                # The sentence is the article's own, with curly quotes made straight (one for one), so its
                # offsets index the submitted article.
                assert ev["text"] in cleaned
                assert clean_text(article[ev["start"]:ev["end"]], strip_dateline=False) == ev["text"]
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
