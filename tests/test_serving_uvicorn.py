"""The service as deployed: a real ``uvicorn serving.app:app`` process on a loopback port."""

from __future__ import annotations

import os

import httpx

from serving.settings import REPO_ROOT
from training.text import clean_text

SEED = REPO_ROOT / "seeds" / "000_3dbf35ee1580a863.txt"


def test_uvicorn_serves_the_seed_article(model_path, tmp_path, uvicorn_server):
    env = {**os.environ, "GEOSTANCE_MODEL_PATH": str(model_path)}
    with uvicorn_server(env, tmp_path / "uvicorn.log") as server:
        base, health = server.base, server.health
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
