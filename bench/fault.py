"""Load and fault replay against a real service on loopback (not part of the test suite).

Usage::

    python bench/fault.py [--model models/stance] [--seconds 15] [--rate 50]

Starts ``uvicorn serving.app:app`` on a free loopback port with an API key, sends a normal load
(``POST /v1/stance`` at ``--rate`` requests per second, and ``GET /health`` five times a second) for
``--seconds``, and meanwhile replays the hostile rows of issue 10 (pair explosion, quadratic splitting and
mentions, lone surrogates, invalid UTF-8, deep nesting, a 45 MB body without a key, 45 concurrent heavy
requests). Then it sends the worst request the limits allow, alone, and reads the server's peak memory.
Prints the p50/p99 latency and error counts of the normal load, the statuses of each hostile row, and one
JSON object as the last line. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.actors import default_dictionary  # noqa: E402
from training.model import DEFAULT_MODEL_PATH  # noqa: E402

KEY = "bench-fault-key"
PAIR = {"text": "China reaffirmed its support for Russia on Monday.", "source": "China", "target": "Russia"}
NAMES = ["China", "Russia", "Japan", "India", "Brazil", "Kenya", "Chile", "Peru", "Egypt", "Iran", "Spain",
         "Ghana", "France", "Germany", "Italy", "Mexico"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worst_case_text(chars: int = 100_000, sentences: int = 8) -> str:
    """Sentences of 16 actors each (240 pairs, the default cap) filling the text: 1,920 long examples."""
    filler = "the delegates discussed trade and security matters at length while "
    per = chars // sentences // len(NAMES)
    parts = []
    for _ in range(sentences):
        words = [name + " " + (filler * (per // len(filler) + 1))[: per - len(name) - 30] for name in NAMES]
        parts.append(" ".join(words) + " and then the talks ended. ")
    return "".join(parts)[:chars]


def hostile_rows() -> list[tuple[str, str, bytes, dict]]:
    """(name, path, body, headers) of each row replayed; all carry the key unless the row is about it."""
    every = " and ".join(sorted(a.name for a in default_dictionary().actors.values())) + " agreed."
    js = {"content-type": "application/json", "x-api-key": KEY}

    def body(obj):
        return json.dumps(obj).encode()

    return [
        ("pair_explosion", "/v1/dyads", body({"text": " ".join([every] * 4)}), js),
        ("quadratic_splitting", "/v1/stance", body({"text": "Ok. " * 25_000, "source": "China", "target": "Russia"}),
         js),
        ("real_prose_x5000", "/v1/dyads", body({"text": "China backed Russia. " * 4_700}), js),
        ("quadratic_mentions", "/v1/dyads", body({"text": "EU UK " * 16_666}), js),
        ("lone_surrogate", "/v1/stance", b'{"text": "China \\ud800 backed Russia.", "source": "China", '
                                         b'"target": "Russia"}', js),
        ("invalid_utf8", "/v1/stance", b'{"text": "China \xff backed Russia.", "source": "China", "target": "Russia"}',
         js),
        ("nested_1000", "/v1/stance", b"[" * 1000 + b"]" * 1000, js),
        ("blank_name", "/v1/stance", body({**PAIR, "source": "  "}), js),
        ("no_key_45mb", "/v1/stance/batch", b'{"items": [' + b",".join([body(PAIR)] * 450_000) + b"]}",
         {"content-type": "application/json"}),
    ]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run(model: str, seconds: float, rate: float) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "GEOSTANCE_MODEL_PATH": model, "GEOSTANCE_API_KEY": KEY}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "serving.app:app", "--host", "127.0.0.1", "--port",
                             str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the service did not become healthy")
            time.sleep(0.2)
        rss_idle = _peak_rss_mb(proc.pid)
        normal, health, hostile = [], [], {}
        stop = time.monotonic() + seconds
        lock = threading.Lock()

        def timed(fn, out):
            t = time.perf_counter()
            try:
                status = fn().status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            with lock:
                out.append((time.perf_counter() - t, status))

        def normal_load():
            with httpx.Client(timeout=60, headers={"x-api-key": KEY}) as c:
                next_at = time.monotonic()
                while time.monotonic() < stop:
                    threading.Thread(target=timed, args=(lambda: c.post(f"{base}/v1/stance", json=PAIR), normal)
                                     ).start()
                    next_at += 1 / rate
                    time.sleep(max(0.0, next_at - time.monotonic()))

        def health_load():
            with httpx.Client(timeout=60) as c:
                while time.monotonic() < stop:
                    timed(lambda: c.get(f"{base}/health"), health)
                    time.sleep(0.2)

        def replay():
            with httpx.Client(timeout=60) as c:
                while time.monotonic() < stop:
                    for name, path, data, headers in rows:
                        timed(lambda p=path, d=data, h=headers: c.post(f"{base}{p}", content=d, headers=h),
                              hostile.setdefault(name, []))

        def burst():
            heavy = json.dumps({"text": "China and Russia and Japan and India agreed. " * 150
                                + "The talks went on for hours. " * 450}).encode()
            time.sleep(min(2.0, seconds / 4))
            out = hostile.setdefault("45_concurrent_heavy", [])
            with httpx.Client(timeout=60, headers={"x-api-key": KEY, "content-type": "application/json"},
                              limits=httpx.Limits(max_connections=50)) as c:
                threads = [threading.Thread(target=timed, args=(lambda: c.post(f"{base}/v1/dyads", content=heavy),
                                                                out)) for _ in range(45)]
                for th in threads:
                    th.start()
                for th in threads:
                    th.join()

        rows = hostile_rows()
        workers = [threading.Thread(target=f) for f in (normal_load, health_load, replay, burst)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        time.sleep(1)  # the last normal requests
        rss_load = _peak_rss_mb(proc.pid)
        t = time.perf_counter()
        r = httpx.post(f"{base}/v1/dyads", json={"text": worst_case_text()}, headers={"x-api-key": KEY}, timeout=120)
        worst = {"status": r.status_code, "seconds": round(time.perf_counter() - t, 2),
                 "response_mb": round(len(r.content) / 1e6, 1), "peak_rss_mb": round(_peak_rss_mb(proc.pid))}
        after = httpx.post(f"{base}/v1/stance", json=PAIR, headers={"x-api-key": KEY}, timeout=60).status_code
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()

    def summary(samples):
        lat = [s for s, _ in samples]
        return {"n": len(samples), "statuses": dict(Counter(str(st) for _, st in samples)),
                "p50_ms": round(percentile(lat, 0.5) * 1000, 1), "p99_ms": round(percentile(lat, 0.99) * 1000, 1),
                "max_ms": round(max(lat, default=float("nan")) * 1000, 1)}

    normal_errors = sum(1 for _, st in normal if st != 200)
    return {"seconds": seconds, "rate": rate, "normal": {**summary(normal), "errors": normal_errors},
            "health": summary(health), "hostile": {k: summary(v) for k, v in hostile.items()},
            "worst_case_at_limits": worst, "normal_after": after,
            "peak_rss_mb": {"idle": round(rss_idle), "after_load": round(rss_load)}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=str(DEFAULT_MODEL_PATH))
    ap.add_argument("--seconds", type=float, default=15.0, help="duration of the load (default: %(default)s)")
    ap.add_argument("--rate", type=float, default=50.0, help="normal requests per second (default: %(default)s)")
    args = ap.parse_args(argv)
    if not 1 <= args.seconds <= 300 or not 0 < args.rate <= 1000:
        ap.error("--seconds must be in [1, 300] and --rate in (0, 1000]")
    result = run(args.model, args.seconds, args.rate)
    n = result["normal"]
    print(f"normal /v1/stance: {n['n']} requests, p50 {n['p50_ms']} ms, p99 {n['p99_ms']} ms, "
          f"max {n['max_ms']} ms, errors {n['errors']} {n['statuses']}")
    h = result["health"]
    print(f"/health: {h['n']} requests, p50 {h['p50_ms']} ms, p99 {h['p99_ms']} ms, {h['statuses']}")
    for name, row in result["hostile"].items():
        print(f"  {name:22s} n={row['n']:3d} statuses={row['statuses']} p50 {row['p50_ms']} ms max {row['max_ms']} ms")
    print(f"worst case at the limits: {result['worst_case_at_limits']}; normal request after: "
          f"{result['normal_after']}")
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
