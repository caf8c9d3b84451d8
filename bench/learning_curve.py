"""Learning curve of labelling a user's own news, through the commands a user runs: selection by
``training.annotate`` against random labels.

Usage::

    python bench/learning_curve.py [--shared ../shared/data/real] [--sizes 100 200 400 800] [--step 100]
                                   [--seeds 1] [--pool-docs N] [--work DIR]

``park2021_dsa_train`` plays a user's folder of unlabelled news (read in place; its texts are written as an
article file under ``--work``, outside the repository); its gold labels play the person who labels. Each
round runs what the README tells a user to run::

    python -m training.annotate --articles pool.jsonl --out labels.jsonl --model M --export proposals.csv
    (the person fills in the label column: here, the gold label of every proposal the pool has one for)
    python -m training.annotate --import proposals.csv --out labels.jsonl
    python -m training.fit --add-default --articles pool.jsonl --annotations labels.jsonl --out M ...

so the next proposals come from the retrained model. Random: the same import and fit with the gold labels
of a random sample of the pool's labelled pairs (nested samples, ``--seeds`` seeds). Every model is scored
with ``python -m training.evaluate`` on ``park2021_dsa_valid`` and ``park2021_dsa_test``. A reference model
imports every gold label of the pool. The figure goes to ``bench/figures/learning_curve.png`` and the table
to ``bench/RESULTS.md`` between the ``<!-- learning-curve:start -->`` and ``<!-- learning-curve:end -->``
markers.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from training.actors import default_dictionary  # noqa: E402
from training.articles import LABELS, read_pairs  # noqa: E402
from training.fitting.dataset import examples_from_pairs  # noqa: E402

START, END = "<!-- learning-curve:start -->", "<!-- learning-curve:end -->"
FIT = ["--no-search", "--calibration", "none"]  # the calibration changes no decision


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python bench/learning_curve.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data" / "real"),
                    help="folder of the real labelled sets (default: %(default)s)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800], help="labels added in total")
    ap.add_argument("--seeds", type=int, default=1, help="random baselines (default: %(default)s)")
    ap.add_argument("--step", type=int, default=100,
                    help="labels per round of selection: the model is refitted after each (default: %(default)s)")
    ap.add_argument("--pool-docs", type=int, default=0, metavar="N",
                    help="use a random N of the pool's texts (default: all), for a shorter run")
    ap.add_argument("--no-reference", action="store_true", help="skip the model on every pool label")
    ap.add_argument("--work", default="/tmp/geostance-learning-curve", help="working folder (outside the repository)")
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--figure", default=str(ROOT / "bench" / "figures" / "learning_curve.png"))
    return ap


def _run(*argv: str) -> str:
    """Run one user command (``python -m ...``) from the repository root; its output, or exit on failure."""
    done = subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(argv[:1])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


class Pool:
    """The user's folder of news (one article per text of the pool) and the gold label of every directed pair
    in a sentence of it that the pool labels: ``(doc_id, sentence, source, target) -> label``."""

    def __init__(self, path: Path, work: Path, dictionary, *, docs: int = 0):
        rows = read_pairs(path)
        texts: dict[str, str] = {}
        for r in rows:  # a doc_id whose rows hold different texts gives one article per text
            texts.setdefault(r.doc_id if texts.get(r.doc_id, r.text) == r.text else r.id, r.text)
        ids = sorted(texts)
        if docs:
            ids = sorted(np.random.default_rng(0).choice(ids, size=min(docs, len(ids)), replace=False))
        keep = set(ids)
        rows = [r for r in rows if (r.doc_id if texts.get(r.doc_id) == r.text else r.id) in keep]
        self.articles = work / "pool.jsonl"
        self.articles.write_text("".join(json.dumps({"id": i, "text": texts[i]}) + "\n" for i in ids),
                                 encoding="utf-8")
        self.gold: dict[tuple, str] = {}
        for r in rows:
            doc = r.doc_id if texts.get(r.doc_id) == r.text else r.id
            for e in examples_from_pairs([r], dictionary):
                self.gold.setdefault((doc, e["sentence_index"], e["source"], e["target"]), r.label)
        self.n_docs = len(ids)


def _score(model: Path, shared: Path) -> dict:
    files = {name: str(shared / f"park2021_dsa_{name}.jsonl") for name in ("valid", "test")}
    out = _run("training.evaluate", "--model", str(model), *[a for f in files.values() for a in ("--data", f)],
               "--json")
    report = json.loads(out.strip().splitlines()[-1])
    return {name: report["files"][f]["macro_f1"] for name, f in files.items()}


def _fit(pool: Pool, labels: Path, model: Path) -> None:
    _run("training.fit", "--add-default", "--articles", str(pool.articles), "--annotations", str(labels),
         "--out", str(model), *FIT)


def _import(rows: list[dict], labels: Path, path: Path) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    _run("training.annotate", "--import", str(path), "--out", str(labels))


def _select_round(pool: Pool, labels: Path, model: Path, n: int, work: Path) -> int:
    """One session of ``n`` labels: export proposals, work through them in order filling in the gold label of
    each the pool has one (the others are left empty: skipped, and remembered so), import; again while fewer
    than ``n`` are labelled (the same model: the person labels on before retraining)."""
    props, filled = work / "proposals.csv", 0
    while filled < n:
        props.unlink(missing_ok=True)
        _run("training.annotate", "--articles", str(pool.articles), "--out", str(labels), "--model", str(model),
             "--export", str(props), "--proposals", str(12 * (n - filled)))
        if not props.exists():  # nothing left to propose
            break
        with props.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        seen = 0
        for r in rows:
            seen += 1
            gold = pool.gold.get((r["doc_id"], int(r["sentence"]), r["source"], r["target"]))
            if gold:
                r["label"], filled = gold, filled + 1
            if filled == n:
                break
        with props.open("w", encoding="utf-8", newline="") as fh:  # the rows not reached are not handed back
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows[:seen])
        _run("training.annotate", "--import", str(props), "--out", str(labels))
    return filled


def _gold_rows(keys) -> list[dict]:
    return [{"doc_id": d, "sentence": s, "source": a, "target": b, "label": lab} for (d, s, a, b), lab in keys]


def run(args) -> dict:
    shared, work = Path(args.shared), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    pool = Pool(shared / "park2021_dsa_train.jsonl", work, default_dictionary(), docs=args.pool_docs)
    sizes = sorted(args.sizes)
    out = {"n_pool": len(pool.gold), "n_docs": pool.n_docs, "sizes": sizes, "active": {}, "random": {}}
    base = work / "base"
    _run("training.fit", "--out", str(base), *FIT)
    out["start"] = _score(base, shared)
    print(f"start (embedded data only): {out['start']}", flush=True)
    labels, model = work / "selection.jsonl", base
    labels.unlink(missing_ok=True)
    done = 0
    for size in sorted(set(sizes) | set(range(args.step, max(sizes), args.step))):
        done += _select_round(pool, labels, model, size - done, work)
        model = work / "selection-model"
        _fit(pool, labels, model)
        if size in sizes:
            out["active"][size] = {**_score(model, shared), "labels": done}
            print(f"selection {size} ({done} labels): {out['active'][size]}", flush=True)
    keys = sorted(pool.gold.items())
    for seed in range(args.seeds):
        order = np.random.default_rng(seed).permutation(len(keys))
        for size in sizes:
            labels = work / f"random-{seed}-{size}.jsonl"
            labels.unlink(missing_ok=True)
            _import(_gold_rows(keys[k] for k in order[:size]), labels, work / "random.jsonl")
            _fit(pool, labels, work / "random-model")
            out["random"].setdefault(size, []).append(_score(work / "random-model", shared))
            print(f"random seed {seed} {size}: {out['random'][size][-1]}", flush=True)
    if not args.no_reference:
        labels = work / "all.jsonl"
        labels.unlink(missing_ok=True)
        _import(_gold_rows(keys), labels, work / "all-rows.jsonl")
        _fit(pool, labels, work / "all-model")
        out["reference"] = _score(work / "all-model", shared)
        print(f"reference (all {len(keys)} labels): {out['reference']}", flush=True)
    return out


def table(res: dict) -> str:
    lines = ["| labels added | selection valid | random valid (mean ± sd) | selection test | random test (mean ± sd) |",
             "|---|---|---|---|---|",
             f"| 0 (embedded data only) | {res['start']['valid']:.3f} | | {res['start']['test']:.3f} | |"]
    for size in res["sizes"]:
        a, r = res["active"][size], res["random"][size]
        cells = []
        for name in ("valid", "test"):
            vals = np.array([x[name] for x in r])
            cells.append((f"{a[name]:.3f}", f"{vals.mean():.3f} ± {vals.std():.3f}"))
        lines.append(f"| {size} | {cells[0][0]} | {cells[0][1]} | {cells[1][0]} | {cells[1][1]} |")
    if "reference" in res:
        ref = res["reference"]
        lines.append(f"| all {res['n_pool']} (reference) | {ref['valid']:.3f} | | {ref['test']:.3f} | |")
    return "\n".join(lines)


def verdict(res: dict) -> list[str]:
    out = []
    for name in ("valid", "test"):
        beats = [s for s in res["sizes"] if res["active"][s][name] > max(x[name] for x in res["random"][s])]
        mean_beats = [s for s in res["sizes"]
                      if res["active"][s][name] > np.mean([x[name] for x in res["random"][s]])]
        line = (f"- {name}: selection beats the mean of random at {len(mean_beats)}/{len(res['sizes'])} sizes "
                f"({', '.join(map(str, mean_beats)) or 'none'}) and every random seed at "
                f"{', '.join(map(str, beats)) or 'none'}")
        if "reference" in res:
            top = max(res["sizes"])
            share = res["active"][top][name] / res["reference"][name]
            line += (f"; with {top} labels it reaches {share:.0%} of the all-labels macro-F1 "
                     f"({res['active'][top][name]:.3f} of {res['reference'][name]:.3f}; goal 90%)")
        out.append(line)
    return out


def figure(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = res["sizes"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, name in zip(axes, ("valid", "test")):
        x = [0] + sizes
        ax.plot(x, [res["start"][name]] + [res["active"][s][name] for s in sizes], "o-", label="selection (margin)")
        r = np.array([[x_[name] for x_ in res["random"][s]] for s in sizes])
        ax.plot(x, [res["start"][name]] + list(r.mean(axis=1)), "s--", label="random (mean of seeds)")
        ax.fill_between(sizes, r.min(axis=1), r.max(axis=1), alpha=0.2)
        if "reference" in res:
            ax.axhline(res["reference"][name], color="k", lw=1, label=f"all {res['n_pool']} labels")
            ax.axhline(0.9 * res["reference"][name], color="k", lw=1, ls=":", label="90% of all labels")
        ax.set_title(f"park2021_dsa_{name}")
        ax.set_xlabel("labels added to the embedded data")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("macro-F1")
    axes[0].legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_section(path: Path, body: str) -> None:
    """Replace the text between the markers (or append the section), atomically."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START}\n{body}\n{END}"
    pattern = re.escape(START) + r".*?" + re.escape(END)
    text = re.sub(pattern, lambda _: block, text, flags=re.DOTALL) if re.search(pattern, text, re.DOTALL) \
        else text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Run the learning curve; returns the exit code (0 ok, 2 missing input)."""
    args = _parser().parse_args(argv)
    shared = Path(args.shared)
    missing = [n for n in ("train", "valid", "test") if not (shared / f"park2021_dsa_{n}.jsonl").is_file()]
    if missing:
        print(f"error: {shared}: missing park2021_dsa_{', park2021_dsa_'.join(missing)}.jsonl", file=sys.stderr)
        return 2
    started = time.perf_counter()
    res = run(args)
    figure(res, Path(args.figure))
    command = "python bench/learning_curve.py " + " ".join(argv if argv is not None else sys.argv[1:])
    body = "\n".join([
        "## Learning curve: labelling your own news",
        "",
        f"Generated by `bench/learning_curve.py` (`{command.strip()}`, "
        f"{dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}, "
        f"{time.perf_counter() - started:.0f} s). Through the commands a user runs: `park2021_dsa_train` is the "
        f"user's folder of news ({res['n_docs']} texts as articles; {res['n_pool']} directed pairs in a sentence "
        "with a gold label, which plays the person labelling). Selection: each round `training.annotate --export` "
        f"proposes pairs (margin, at most 2 per article), the gold label of the first {args.step} proposals the "
        "pool labels is filled in, `training.annotate --import` adds them to the annotation file (partial), and "
        "`training.fit --add-default --articles POOL --annotations LABELS --no-search --calibration none` "
        "retrains (20% of the articles held out, as by default), so the next proposals come from the new model. "
        f"Random: the same import and fit with the gold labels of a random sample of the pool's pairs, {args.seeds} "
        "seed(s). Scored by `training.evaluate` (the service's article-level rule). "
        f"Macro-F1 over {', '.join(LABELS)}. Figure: `bench/figures/learning_curve.png`.",
        "",
        table(res),
        "",
        *verdict(res),
    ])
    write_section(Path(args.results), body)
    print(table(res))
    print("\n".join(verdict(res)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
