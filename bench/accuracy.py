"""Accuracy benchmark on the real labelled-pair sets (issue 5): ``python bench/accuracy.py``.

Usage::

    python bench/accuracy.py [--shared ../shared/data/real] [--out bench/RESULTS.md]
        [--no-search] [--calibration {temperature,none,sigmoid,isotonic}] [--work DIR]

Trains two models into a scratch folder (``models/stance`` is never touched): the default
model on the embedded data, and one on ``park2021_dsa_train`` + ``conflibert_cameo_train`` + the
embedded data. Evaluates them, a majority-class baseline (of each model's training labels) and the
dictionary coder (:mod:`bench.coder`) on the real sets with the service's rule
(:func:`training.fitting.evaluate.evaluate_rows`). The real stories of ``data/news/`` are part of the
default data, so they are scored only out of sample: by cross-validation grouped by story
(:mod:`bench.news_cv`, ``--news-folds`` folds; each fold's model is fitted with ``--no-search`` whatever the
options, and its own temperature), all stories and per source. Prints one table and writes it to ``--out``,
keeping the hand-written section between ``<!-- tried:start -->`` and ``<!-- tried:end -->``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shlex
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import news_cv  # noqa: E402
from bench.coder import coder_predictor  # noqa: E402
from training import fit  # noqa: E402
from training.actors import default_dictionary  # noqa: E402
from training.articles import LABELS, read_pairs  # noqa: E402
from training.fitting.evaluate import evaluate_rows, majority_baseline, summarise  # noqa: E402
from training.model import library_versions, load_model  # noqa: E402
from training.predict import StancePredictor  # noqa: E402

DEFAULT_EVAL = ("park2021_dsa_test", "park2021_dsa_valid", "udpetrarch_gsr", "conflibert_cameo_train")
TRAIN_SETS = ("park2021_dsa_train", "conflibert_cameo_train")
DATA_EVAL = ("park2021_dsa_test", "udpetrarch_gsr")
START, END = "<!-- tried:start -->", "<!-- tried:end -->"
# sections written by other benchmarks, kept whole (markers included) when this report is rewritten
KEPT = [("<!-- learning-curve:start -->", "<!-- learning-curve:end -->"),
        ("<!-- events:start -->", "<!-- events:end -->"),
        ("<!-- actors-real:start -->", "<!-- actors-real:end -->"),
        ("<!-- language:start -->", "<!-- language:end -->")]
TRIED_DEFAULT = "(Record experiments here: what was changed, the figures it gave, and whether it was kept.)"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python bench/accuracy.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data" / "real"),
                    help="folder of the real labelled-pair sets (default: %(default)s)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"), help="report (default: %(default)s)")
    ap.add_argument("--no-search", action="store_true", help="skip the grid search when training (faster)")
    ap.add_argument("--calibration", choices=["temperature", "none", "sigmoid", "isotonic"], default=None,
                    help="passed to training.fit (default: training's default)")
    ap.add_argument("--news-folds", type=int, default=5,
                    help="folds of the grouped cross-validation over the real stories (default: %(default)s)")
    ap.add_argument("--work", metavar="DIR", help="keep models and example caches here (default: a temporary folder)")
    return ap


def _train(name: str, extra: list[str], args, work: Path) -> tuple[Path, Counter]:
    """Train one model with :func:`training.fitting.fit.main`; returns its path and training label counts."""
    out = work / name
    argv = ["--out", str(out), "--cache-dir", str(work / "cache"), *extra]
    if args.no_search:
        argv.append("--no-search")
    if args.calibration:
        argv += ["--calibration", args.calibration]
    print(f"--- training {name}: python -m training.fit {shlex.join(argv)}", flush=True)
    if fit.main(argv) != 0:
        raise SystemExit(f"error: training the {name} model failed (see the message above)")
    model = load_model(out)
    return out, Counter(model.metadata["data"]["label_counts"])


def _row(model: str, set_name: str, m: dict, preds: list[dict] | None = None) -> dict:
    """One table row from :func:`training.fitting.evaluate.metrics` output (and the predictions, if any)."""
    pc, n = m["per_class"], m["n"]
    reasons = Counter(p["reason"] for p in preds if p["reason"]) if preds is not None else None
    return {"model": model, "set": set_name, "n": n, "macro_f1": m["macro_f1"],
            **{f"f1_{label}": pc[label]["f1"] for label in LABELS}, "accuracy": m["accuracy"],
            "ece": m.get("ece"), "not_found": m["actors_not_found"] / n if preds is not None and n else None,
            "fallback": sum(reasons.values()) / n if reasons is not None and n else None,
            "reasons": dict(reasons or {}), "confusion": m["confusion"]}


def _news_rows(args, work: Path, coder) -> list[dict]:
    """The real stories scored by grouped cross-validation (:mod:`bench.news_cv`), all and per source, and
    the dictionary coder on the same gold pairs."""
    print(f"--- cross-validation over the real stories ({args.news_folds} folds)", flush=True)
    res = news_cv.cross_validate(folds=args.news_folds, cache_dir=str(work / "cache"))
    gold = [r for rows in news_cv.gold_rows().values() for r in rows]
    coded = evaluate_rows(coder, gold)
    source = {r.id: Path(r.id.rsplit(":", 1)[0]).stem for r in gold}
    rows = []
    for name in [None, *sorted(set(source.values()))]:
        keep = [p for p in res["predictions"] if name is None or source[p["id"]] == name]
        set_name = f"news_{name or 'all'} (CV, {res['folds']} folds)"
        rows.append(_row("default (CV)", set_name, summarise(keep), keep))
        keep = [p for p in coded if name is None or source[p["id"]] == name]
        rows.append(_row("coder", set_name, summarise(keep), keep))
    return rows


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


COLUMNS = [("model", "model"), ("set", "eval set"), ("n", "n"), ("macro_f1", "macro-F1"),
           ("f1_support", "F1 sup"), ("f1_oppose", "F1 opp"), ("f1_neutral", "F1 neu"),
           ("accuracy", "acc"), ("ece", "ECE"), ("not_found", "actors not found"), ("fallback", "fallback")]


def markdown_table(rows: list[dict]) -> str:
    """The rows as a Markdown table (also readable in a terminal)."""
    cells = [[h for _, h in COLUMNS]] + [[_fmt(r[k]) for k, _ in COLUMNS] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]

    def line(c: list[str]) -> str:
        return "| " + " | ".join(x.ljust(w) for x, w in zip(c, widths)) + " |"

    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
                     + [line(c) for c in cells[1:]])


def tried_section(path: Path) -> str:
    """The hand-written text between the markers of an existing report, or a placeholder."""
    if path.is_file():
        m = re.search(re.escape(START) + r"\n?(.*?)\n?" + re.escape(END), path.read_text(encoding="utf-8"), re.DOTALL)
        if m:
            return m.group(1)
    return TRIED_DEFAULT


def kept_sections(path: Path) -> str:
    """Sections other benchmarks write between their own markers (the learning curve), carried over whole."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    kept = [m.group(0) for start, end in KEPT
            for m in [re.search(re.escape(start) + r".*?" + re.escape(end), text, re.DOTALL)] if m]
    return "".join(f"\n{block}\n" for block in kept)


def write_report(path: Path, table: str, details: list[str], command: str, seconds: float) -> None:
    """Write the report, carrying over the "What was tried" section and the other benchmarks' sections."""
    tried = tried_section(path)
    kept = kept_sections(path)
    versions = ", ".join(f"{k} {v}" for k, v in library_versions().items())
    body = f"""# Accuracy on the real labelled-pair sets

Generated by `bench/accuracy.py`; everything outside the "What was tried" markers is rewritten on each run.

- command: `{command}`
- date: {dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")} ({seconds:.0f} s)
- versions: {versions}
- models: `default` = embedded data only (out of the box: the authored corpus and the real stories of
  `data/news/`); `default (CV)` = the same data and configuration without the grid search, scored on the
  real stories by cross-validation grouped by story (each story scored by a model that did not train on
  it; `news_voa`, `news_wikinews` are its two sources, `news_all` both); `+real` = park2021_dsa_train +
  conflibert_cameo_train + embedded data. `majority(X)` predicts the most frequent training label of
  model X; `coder` is the dictionary coder of `bench/coder.py`. "actors not found" is the share of
  rows whose source or target is not found in the text; "fallback" the share scored `neutral` without
  a judgement for any reason (not found, same actor, no shared sentence).

{table}

## Confusion matrices and fallbacks

Rows true, columns predicted (support, oppose, neutral); fallbacks are rows scored `neutral` because
the pair could not be judged, by reason (`same_actor`: both names resolve to one dictionary actor).

{chr(10).join(details)}

## What was tried

{START}
{tried}
{END}
{kept}"""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit code (0 ok, 2 missing input or failed training)."""
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    shared = Path(args.shared)
    wanted = sorted(set(DEFAULT_EVAL + TRAIN_SETS + DATA_EVAL))
    missing = [n for n in wanted if not (shared / f"{n}.jsonl").is_file()]
    if missing:
        print(f"error: real set(s) missing from {shared}: {', '.join(f'{n}.jsonl' for n in missing)}; "
              f"pass --shared DIR pointing at the folder that holds them", file=sys.stderr)
        return 2
    sets = {n: read_pairs(shared / f"{n}.jsonl") for n in wanted}
    dictionary = default_dictionary()
    coder = coder_predictor(dictionary)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="geostance-bench-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        try:
            plan = [("default", [], DEFAULT_EVAL),  # training's default articles: seeds/ and data/corpus/
                    ("+real", [a for n in TRAIN_SETS for a in ("--data", str(shared / f"{n}.jsonl"))], DATA_EVAL)]
            trained = {name: _train(name, extra, args, work) for name, extra, _ in plan}
        except SystemExit as exc:
            print(exc, file=sys.stderr)
            return 2
        coded: dict[str, dict] = {}
        for name, _, evals in plan:
            path, counts = trained[name]
            predictor = StancePredictor(load_model(path), dictionary)
            train_labels = [label for label, c in counts.items() for _ in range(c)]
            for set_name in evals:
                print(f"--- evaluating {name} on {set_name}", flush=True)
                pairs = sets[set_name]
                preds = evaluate_rows(predictor, pairs)
                rows.append(_row(name, set_name, summarise(preds), preds))
                rows.append(_row(f"majority({name})", set_name,
                                 majority_baseline(train_labels, [p.label for p in pairs])))
                if set_name not in coded:
                    coded[set_name] = evaluate_rows(coder, pairs)
                    rows.append(_row("coder", set_name, summarise(coded[set_name]), coded[set_name]))
        rows += _news_rows(args, work, coder)
    rows.sort(key=lambda r: (r["set"], {"default": 0, "default (CV)": 0, "+real": 1, "coder": 3}.get(r["model"], 2),
                             r["model"]))
    table = markdown_table(rows)
    seconds = time.perf_counter() - started
    print(table)
    print(f"({seconds:.0f} s)")
    details = [f"- {r['model']} on {r['set']}: {r['confusion']}"
               + (f"; fallbacks {r['reasons']}" if r["reasons"] else "") for r in rows]
    command = "python bench/accuracy.py" + (" " + shlex.join(argv if argv is not None else sys.argv[1:])
                                            if (argv if argv is not None else sys.argv[1:]) else "")
    out = Path(args.out)
    write_report(out, table, details, command, seconds)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
