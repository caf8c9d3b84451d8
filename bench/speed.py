"""Speed of the prediction path, in process and over HTTP (not part of the test suite).

Usage::

    python bench/speed.py [--model models/stance] [--http] [--rate 200] [--seconds 10]

In process, it runs the embedded corpus through the same path as the service (clean, split, find actors,
build every dyad, mask, TF-IDF, logistic regression, aggregate) on one core, and reports sentences and
dyad examples per second. With ``--http`` it starts ``uvicorn serving.app:app`` on a free loopback port,
sends ``POST /v1/stance`` requests at a fixed rate from a thread pool for a bounded time, and reports the
latency percentiles. DESIGN.md's targets: at least 10,000 sentences per second per core in process, and a
p99 of 20 ms at 200 requests per second on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from training.actors import default_dictionary  # noqa: E402
from training.model import load_model  # noqa: E402
from training.predict import StancePredictor  # noqa: E402
from training.reading import read_articles  # noqa: E402


def in_process(model_path: str, repeats: int = 3) -> dict:
    """Throughput of :meth:`StancePredictor.dyads` over the embedded corpus (best of ``repeats``)."""
    predictor = StancePredictor(load_model(model_path), default_dictionary())
    texts = [a.text for a in read_articles(ROOT / "data" / "corpus")]
    sentences = sum(len(predictor.document(t).sentences) for t in texts)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        dyads = sum(len(predictor.dyads(t)) for t in texts)
        best = min(best, time.perf_counter() - start)
    return {"articles": len(texts), "sentences": sentences, "dyads": dyads, "seconds": round(best, 3),
            "sentences_per_s": round(sentences / best), "articles_per_s": round(len(texts) / best)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def over_http(model_path: str, rate: float, seconds: float) -> dict:
    """Latency of ``POST /v1/stance`` at a fixed request rate against a local uvicorn (loopback only)."""
    port = _free_port()
    env = {**os.environ, "GEOSTANCE_MODEL_PATH": str(Path(model_path).resolve())}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "serving.app:app", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        body = json.dumps({"text": "Beijing condemned Moscow's annexation vote, while Kyiv thanked Warsaw for "
                                   "its support.", "source": "China", "target": "Russia"}).encode()

        def one() -> float:
            req = urllib.request.Request(url + "/v1/stance", data=body, headers={"Content-Type": "application/json"})
            start = time.perf_counter()
            with urllib.request.urlopen(req, timeout=10) as resp:
                resp.read()
            return (time.perf_counter() - start) * 1000

        n = int(rate * seconds)
        futures = []
        with ThreadPoolExecutor(max_workers=64) as pool:
            t0 = time.perf_counter()
            for i in range(n):
                delay = t0 + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(one))
            latencies = sorted(f.result() for f in futures)
        q = statistics.quantiles(latencies, n=100)
        return {"requests": n, "rate": rate, "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1),
                "p99_ms": round(q[98], 1), "max_ms": round(latencies[-1], 1)}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/speed.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=str(ROOT / "models" / "stance"))
    ap.add_argument("--http", action="store_true", help="also measure the HTTP service")
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second (default: %(default)s)")
    ap.add_argument("--seconds", type=float, default=10.0, help="how long to send (default: %(default)s)")
    args = ap.parse_args(argv)
    print(json.dumps({"in_process": in_process(args.model)}))
    if args.http:
        print(json.dumps({"http": over_http(args.model, args.rate, args.seconds)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
