"""Speed and memory of archive coding, end to end: reading, coding, writing (not part of the test suite).

Usage::

    python bench/archive.py [--model models/stance] [--scale 1 10] [--workers 1 2] [--profile]

It builds an archive in a temporary folder (never in the repository) from text the project may use: the
embedded corpus (``data/corpus``) and the sentences of ``../shared/data/real/park2021_dsa_train.jsonl``,
read in place, grouped into articles of 15 sentences (most of them with fewer than two actors, as in
wire copy), dated over 2000-2023. ``--scale 10`` repeats it ten times under new ids. Each measurement
runs ``python -m training.predict --articles ARCHIVE --out dyads.parquet`` in a fresh process and reports
sentences per second (the model load included) and the peak resident memory of the run and its workers.
``--profile`` prints a cProfile of one in-process run, by stage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PARK = ROOT.parent / "shared" / "data" / "real" / "park2021_dsa_train.jsonl"
if not PARK.exists():
    PARK = Path("/work/shared/data/real/park2021_dsa_train.jsonl")


def build(folder: Path, scale: int, *, per_article: int = 15) -> tuple[Path, int]:
    """Write the archive as JSONL in ``folder``; return its path and its number of articles."""
    base = []
    for path in sorted((ROOT / "data" / "corpus").glob("*.jsonl")):
        base += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = list(dict.fromkeys(json.loads(line)["text"] for line in PARK.open(encoding="utf-8") if line.strip()))
    for k in range(0, len(texts), per_article):
        base.append({"id": f"park-{k // per_article:05d}", "text": " ".join(texts[k:k + per_article])})
    day0 = dt.date(2000, 1, 1)
    out = folder / f"archive-x{scale}.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for r in range(scale):
            for i, row in enumerate(base):
                date = (day0 + dt.timedelta(days=(i * 7 + r * 3) % 8700)).isoformat()
                fh.write(json.dumps({"id": f"{row['id']}-r{r}", "text": row["text"], "date": date}) + "\n")
    return out, len(base) * scale


def measure(model: str, archive: Path, workers: int, out: Path) -> dict:
    """One run in a fresh process: seconds, sentences per second, peak memory (MB) of it and its workers."""
    code = (
        "import json, resource, sys, time\n"
        "from training import archive\n"
        "t = time.perf_counter()\n"
        f"s = archive.run([{str(archive)!r}], {str(out)!r}, model_path={model!r}, workers={workers}, progress=False)\n"
        "t = time.perf_counter() - t\n"
        "me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': t, 'articles': s.articles, 'sentences': s.sentences, 'dyads': s.dyads,"
        " 'skipped': len(s.skipped), 'peak_mb': round(me, 1), 'worker_peak_mb': round(kids, 1)}))\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["sentences_per_s"] = round(result["sentences"] / result["seconds"])
    result["workers"] = workers
    return result


def profile(model: str, archive: Path, out: Path) -> None:
    import cProfile
    import pstats

    from training import archive as job

    job.run([str(archive)], out, model_path=model, progress=False, chunk_size=500)  # warm: model, dictionary
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    summary = job.run([str(archive)], out, model_path=model, progress=False, chunk_size=500)
    prof.disable()
    t = time.perf_counter() - t
    print(f"profiled run: {summary.sentences} sentences in {t:.2f} s ({summary.sentences / t:,.0f} per s)")
    stats = pstats.Stats(prof)
    stages = {
        "read (iter_articles)": "iter_articles", "clean (clean_text)": "clean_text",
        "split (split_sentences)": "split_sentences", "actors (ActorDictionary.find)": "find",
        "pairs (candidate_examples)": "candidate_examples", "mask (DyadMasker.transform)": "transform",
        "score (StanceModel.score)": "score", "rows (Coder._article_rows)": "_article_rows",
        "write (PartStore.write + write_table)": "write",
    }
    by_name = {}
    for (file, _, name), (_, _, _, cum, _) in stats.stats.items():
        if "training" in file or name == "write":
            by_name.setdefault(name, []).append((cum, file))
    for label, name in stages.items():
        cum = max((c for c, _ in by_name.get(name, [])), default=0.0)
        print(f"  {label:42s} {cum:6.2f} s  {100 * cum / t:5.1f}%")
    stats.sort_stats("tottime").print_stats(15)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=str(ROOT / "models" / "stance"))
    ap.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="geostance-bench-") as tmp:
        folder = Path(tmp)
        if args.profile:
            path, n = build(folder, args.scale[0])
            print(f"archive: {n} articles")
            profile(args.model, path, folder / "dyads.parquet")
            return 0
        results = []
        for scale in args.scale:
            path, n = build(folder, scale)
            for workers in args.workers:
                r = measure(args.model, path, workers, folder / "dyads.parquet")
                r["scale"] = scale
                results.append(r)
                print(f"x{scale:<3d} {n:7,d} articles {r['sentences']:9,d} sentences {r['dyads']:9,d} dyads  "
                      f"workers {workers}: {r['seconds']:7.1f} s  {r['sentences_per_s']:8,d} sentences/s  "
                      f"peak {r['peak_mb']:.0f} MB (workers {r['worker_peak_mb']:.0f} MB)", flush=True)
        one = {r["scale"]: r["sentences_per_s"] for r in results if r["workers"] == 1}
        for r in results:
            if r["workers"] > 1 and r["scale"] in one:
                print(f"x{r['scale']}: {r['workers']} workers = {r['sentences_per_s'] / one[r['scale']]:.2f}x one")
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
