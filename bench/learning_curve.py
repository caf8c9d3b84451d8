"""Learning curve of labelling a user's own news: selection by ``training.annotate`` against random labels.

Usage::

    python bench/learning_curve.py [--shared ../shared/data/real] [--sizes 100 200 400 800] [--seeds 3]

``park2021_dsa_train`` plays a user's unlabelled pool (read in place, never copied): its labels are
revealed only for the rows a selection asks for. Starting from a model of the embedded data, 100, 200, 400
and 800 labels are added, chosen either by :func:`training.annotation.select.select` on the current model's
probabilities, in rounds of ``--step`` labels (pool-based active learning: the model is refitted after every
round and chooses the next labels, as a user retrains between sessions), or at random (nested samples,
several seeds). Every model is fitted with the
default configuration (no grid search, no calibration, which changes no decision) on the embedded data
plus the revealed rows, and scored on ``park2021_dsa_valid`` and ``park2021_dsa_test`` with
:mod:`training.fitting.evaluate`. A reference model uses every label of the pool. The figure goes to
``bench/figures/learning_curve.png`` and the table to ``bench/RESULTS.md`` between the
``<!-- learning-curve:start -->`` and ``<!-- learning-curve:end -->`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from training import fit, trainset  # noqa: E402
from training.actors import default_dictionary  # noqa: E402
from training.annotation.select import select  # noqa: E402
from training.articles import LABELS, read_pairs  # noqa: E402
from training.fitting.dataset import examples_from_pairs  # noqa: E402
from training.fitting.evaluate import evaluate_rows, summarise  # noqa: E402
from training.model import DEFAULT_CONFIG, StanceModel, build_pipeline  # noqa: E402
from training.predict import StancePredictor  # noqa: E402

START, END = "<!-- learning-curve:start -->", "<!-- learning-curve:end -->"
CONFIG = {**DEFAULT_CONFIG, "calibration": "none"}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python bench/learning_curve.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data" / "real"),
                    help="folder of the real labelled sets (default: %(default)s)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800], help="labels added in total")
    ap.add_argument("--seeds", type=int, default=3, help="random baselines (default: %(default)s)")
    ap.add_argument("--strategy", choices=["margin", "entropy"], default="margin")
    ap.add_argument("--step", type=int, default=100,
                    help="labels per round of selection: the model is refitted after each (default: %(default)s)")
    ap.add_argument("--weight", type=float, default=1.0,
                    help="sample weight of a revealed label against an embedded example (default: %(default)s)")
    ap.add_argument("--no-reference", action="store_true", help="skip the model on every pool label")
    ap.add_argument("--cache-dir", default=str(ROOT / "data" / "processed"), help="example cache of the embedded data")
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--figure", default=str(ROOT / "bench" / "figures" / "learning_curve.png"))
    return ap


class Pool:
    """The unlabelled pool: one candidate per row (its first sentence pairing the two actors); the
    examples and labels stay hidden until :meth:`reveal`."""

    def __init__(self, path: Path, dictionary):
        rows = read_pairs(path)
        examples = examples_from_pairs(rows, dictionary, progress=True)
        self.by_row: dict[str, list[dict]] = {}
        for e in examples:
            self.by_row.setdefault(e["id"].split("#")[0], []).append(e)
        self.ids = [r.id for r in rows if r.id in self.by_row]
        self._hidden = {i: [e.pop("label") for e in self.by_row[i]] for i in self.ids}
        self.candidates = [self.by_row[i][0] for i in self.ids]

    def reveal(self, ids) -> tuple[list[dict], list[str]]:
        rows, labels = [], []
        for i in ids:
            rows += self.by_row[i]
            labels += self._hidden[i]
        return rows, labels


def _fit(base_rows, base_y, rows, y, weight: float = 1.0) -> StanceModel:
    pipeline = build_pipeline(CONFIG, seed=13)
    extra = {} if weight == 1.0 else {"clf__sample_weight": np.r_[np.ones(len(base_rows)), np.full(len(rows), weight)]}
    pipeline.fit(base_rows + rows, list(base_y) + list(y), **extra)
    return StanceModel(pipeline, {})


def _score(model: StanceModel, dictionary, eval_sets: dict) -> dict:
    predictor = StancePredictor(model, dictionary)
    return {name: summarise(evaluate_rows(predictor, rows))["macro_f1"] for name, rows in eval_sets.items()}


def _embedded(args, dictionary):
    fargs = fit._parser().parse_args(["--cache-dir", args.cache_dir])
    ds, _, _ = trainset.build_dataset(fargs, trainset.input_records(fargs), dictionary)
    names = ds.features["label"].names
    return ds.remove_columns(["label"]).to_list(), [names[i] for i in ds["label"]]


def run(args) -> dict:
    dictionary = default_dictionary()
    shared = Path(args.shared)
    base_rows, base_y = _embedded(args, dictionary)
    pool = Pool(shared / "park2021_dsa_train.jsonl", dictionary)
    eval_sets = {name: read_pairs(shared / f"park2021_dsa_{name}.jsonl") for name in ("valid", "test")}
    sizes = sorted(args.sizes)
    out = {"n_pool": len(pool.ids), "sizes": sizes, "active": {}, "random": {}}
    model = _fit(base_rows, base_y, [], [])
    out["start"] = _score(model, dictionary, eval_sets)
    print(f"start (embedded data only): {out['start']}", flush=True)
    chosen: list[str] = []
    rounds = sorted(set(sizes) | set(range(args.step, max(sizes), args.step)))
    for size in rounds:  # pool-based active learning: the current model picks the next labels
        taken = set(chosen)
        left = [k for k, i in enumerate(pool.ids) if i not in taken]
        proba = model.predict_proba([pool.candidates[k] for k in left])
        picks = select([pool.candidates[k] for k in left], proba, size - len(chosen), strategy=args.strategy)
        chosen += [pool.ids[left[k]] for k in picks]
        model = _fit(base_rows, base_y, *pool.reveal(chosen), args.weight)
        if size in sizes:
            out["active"][size] = _score(model, dictionary, eval_sets)
            print(f"selection {size}: {out['active'][size]}", flush=True)
    for seed in range(args.seeds):
        order = list(np.random.default_rng(seed).permutation(len(pool.ids)))
        for size in sizes:
            model = _fit(base_rows, base_y, *pool.reveal([pool.ids[k] for k in order[:size]]), args.weight)
            out["random"].setdefault(size, []).append(_score(model, dictionary, eval_sets))
            print(f"random seed {seed} {size}: {out['random'][size][-1]}", flush=True)
    if not args.no_reference:
        out["reference"] = _score(_fit(base_rows, base_y, *pool.reveal(pool.ids), args.weight), dictionary,
                                  eval_sets)
        print(f"reference (all {len(pool.ids)} labels): {out['reference']}", flush=True)
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
        f"{time.perf_counter() - started:.0f} s). `park2021_dsa_train` is the unlabelled pool "
        f"({res['n_pool']} rows whose actors share a sentence); labels are revealed only when chosen. "
        f"Selection: `training.annotation.select.select` ({args.strategy}, at most 2 per article, a penalty per "
        f"repeated dyad) in rounds of {args.step} labels, the model refitted after each round (as a user retrains "
        "between sessions); random: nested samples, "
        f"{args.seeds} seeds. Every model: embedded data + the revealed rows (each revealed row weighted "
        f"{args.weight:g} against an embedded example), default configuration, no grid search. "
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
