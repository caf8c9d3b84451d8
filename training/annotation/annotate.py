"""Label the dyads of your own articles that teach the model most: ``python -m training.annotate``.

Usage::

    python -m training.annotate --articles my_articles/ --out my_annotations.jsonl [--batch 50]
    python -m training.annotate --articles my_articles/ --out my_annotations.jsonl --export proposals.csv
    python -m training.annotate --import proposals.csv --out my_annotations.jsonl

The model scores every directed pair of actors that share a sentence; the most uncertain ones, spread
over articles and pairs (:mod:`training.annotation.select`), are shown one at a time. Each answer is appended to the
annotation file at once (:mod:`training.annotation.annofile`), in the format ``training.fit --annotations`` reads, and
a second run skips what is already there. Sentence numbers are 0-based over the article body (the title
is not counted), as everywhere in the project.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from training.actors import default_dictionary
from training.annotation import annofile
from training.annotation.select import STRATEGIES, Proposal, propose
from training.articles import LABELS, DataError
from training.language import skipped_text
from training.model import DEFAULT_MODEL_PATH, ModelError, load_model
from training.reading import read_articles

__all__ = ["GUIDELINE", "Proposal", "propose", "highlight", "label_loop", "main"]

log = logging.getLogger("training.annotate")

GUIDELINE = """\
What the labels mean: the stance of the SOURCE toward the TARGET in this sentence, in that direction only.
  s  support  the source approves of, praises, defends, meets, visits, hosts, consults or works with,
              gives aid, arms, loans or concessions to the target (CAMEO roots 03-08; a meeting is weak
              support, both ways; a host supports its visitor)
  o  oppose   the source criticises, accuses, demands of, rejects, threatens, sanctions, expels, coerces
              or attacks the target (CAMEO roots 09-20)
  n  neutral  both are mentioned with no stance of the source toward the target: co-presence at a
              third party's event, lists, plain statements and appeals (CAMEO 01-02), a venue,
              what the source explicitly did not do ("did not condemn"), or only the target's stance
A reciprocal act ("A and B signed a pact") labels both directions. In reported speech the stance belongs
to whoever holds it in the reported clause ("X said Y accused Z": Y -> Z oppose, X -> Z neutral).
  k  skip (shown again next time)   u  undo the last label   q  quit (everything answered is saved)"""

KEYS = {"s": "support", "o": "oppose", "n": "neutral"}
PROMPT = "label [s]upport [o]ppose [n]eutral s[k]ip [u]ndo [q]uit [?]guide: "


def highlight(text: str, source_spans, target_spans, *, color: bool) -> str:
    """The sentence with the source and target marked: ANSI bold colours, or ``[[source]]`` and
    ``{{target}}``."""
    marks = [(s, e, "src") for s, e in source_spans] + [(s, e, "tgt") for s, e in target_spans]
    wrap = {"src": ("\x1b[1;36m", "\x1b[0m") if color else ("[[", "]]"),
            "tgt": ("\x1b[1;33m", "\x1b[0m") if color else ("{{", "}}")}
    out = text
    for s, e, kind in sorted(marks, reverse=True):
        left, right = wrap[kind]
        out = out[:s] + left + out[s:e] + right + out[e:]
    return out


def _show(p: Proposal, k: int, total: int, output: TextIO, color: bool) -> None:
    probs = "  ".join(f"{label} {p.probabilities[label]:.2f}" for label in LABELS)
    src, tgt = highlight(p.source_name, [(0, len(p.source_name))], [], color=color), \
        highlight(p.target_name, [], [(0, len(p.target_name))], color=color)
    output.write(f"\n[{k}/{total}] {p.doc_id}: {p.title or '(no title)'} ({p.date or 'no date'}), "
                 f"sentence {p.sentence}\n  {highlight(p.text, p.source_spans, p.target_spans, color=color)}\n"
                 f"  stance of {src} ({p.source}) toward {tgt} ({p.target})?\n"
                 f"  model: {p.guess} ({probs})\n")


def label_loop(proposals: Sequence[Proposal], out_path, *, input_fn: Callable[[str], str] = input,
               output: TextIO | None = None, color: bool | None = None, batch: int | None = None) -> int:
    """Ask for a label of each proposal, appending every answer to ``out_path`` at once.

    Parameters
    ----------
    proposals : sequence of Proposal
    out_path : str or path-like
        The annotation file (created when missing).
    input_fn : callable, default=input
        Reads one answer given the prompt; EOF or Ctrl-C ends the loop like ``q``.
    output : text stream, default=sys.stdout
    color : bool, optional
        ANSI colours; default when ``output`` is a terminal.
    batch : int, optional
        Stop after this many labels.

    Returns
    -------
    int
        Labels written and not undone in this session.
    """
    output = output or sys.stdout
    color = output.isatty() if color is None else color
    done: list[tuple[int, dict]] = []  # (proposal index, row written)
    k = 0
    while k < len(proposals) and (batch is None or len(done) < batch):
        p = proposals[k]
        _show(p, k + 1, len(proposals), output, color)
        try:
            answer = input_fn(PROMPT).strip().lower()
        except (EOFError, KeyboardInterrupt):
            answer = "q"
        if answer == "q":
            break
        if answer in ("?", "h"):
            output.write(GUIDELINE + "\n")
        elif answer == "k":
            k += 1
        elif answer == "u":
            if not done:
                output.write("  nothing to undo in this session\n")
                continue
            k, row = done.pop()
            annofile.remove_row(out_path, row)
            output.write(f"  undone: {row['source']} -> {row['target']} {row['label']}\n")
        elif answer in KEYS:
            row = annofile.annotation_row(p.doc_id, p.source, p.target, KEYS[answer], p.sentence)
            annofile.append_row(out_path, row)
            done.append((k, row))
            k += 1
        else:
            output.write("  keys: s, o, n, k, u, q or ? (the guideline)\n")
    output.write(f"\n{len(done)} labels saved in {out_path}\n")
    return len(done)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m training.annotate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", action="append", metavar="PATH",
                    help="articles, in every format training.fit --articles reads; repeatable")
    ap.add_argument("--out", required=True, metavar="FILE.jsonl", help="the annotation file (appended to)")
    ap.add_argument("--model", default=str(DEFAULT_MODEL_PATH), help="the model (default: %(default)s)")
    ap.add_argument("--strategy", choices=STRATEGIES, default="margin",
                    help="uncertainty: smallest margin between the top two labels, or highest entropy")
    ap.add_argument("--batch", type=int, metavar="N", help="stop after N labels")
    ap.add_argument("--proposals", type=int, default=200, metavar="N",
                    help="how many pairs to propose (default: %(default)s)")
    ap.add_argument("--per-article", type=int, default=2, metavar="K",
                    help="at most K proposals from one article (default: %(default)s)")
    ap.add_argument("--export", metavar="FILE", help="write the proposals to a .csv or .jsonl file instead")
    ap.add_argument("--import", dest="import_", metavar="FILE",
                    help="add the labelled rows of an exported proposal file to --out")
    return ap


def run(args, *, input_fn=input, output: TextIO | None = None) -> int:
    """The command with parsed arguments; raises DataError or ModelError on bad input."""
    output = output or sys.stdout
    if args.import_:
        rows = annofile.read_labelled_proposals(args.import_)
        with annofile.session(args.out):
            added = annofile.import_rows(args.out, rows)
        output.write(f"imported {added} labels into {args.out}\n")
        return 0
    if not args.articles:
        raise DataError("--articles is required (unless --import is given)")
    for flag, value in (("--batch", args.batch), ("--proposals", args.proposals), ("--per-article", args.per_article)):
        if value is not None and value < 1:
            raise DataError(f"{flag} must be at least 1, got {value}")
    articles = [a for path in args.articles for a in read_articles(path)]  # bad input stops before the model loads
    if args.export:
        return _propose(args, articles, output)
    with annofile.session(args.out):  # held from reading what is labelled to the last answer
        return _propose(args, articles, output, input_fn=input_fn)


def _propose(args, articles, output: TextIO, *, input_fn=input) -> int:
    model, dictionary = load_model(args.model), default_dictionary()
    annofile.repair(args.out)

    def resolve(name):
        actor = dictionary.resolve(name)
        return actor.code if actor else name

    skip = annofile.annotated_keys(args.out, resolve)
    non_english: list[dict] = []
    proposals = propose(articles, model, dictionary, n=args.proposals, skip=skip, strategy=args.strategy,
                        per_article=args.per_article, non_english=non_english)
    log.info("%d articles, %d already labelled, %d proposals", len(articles), len(skip), len(proposals))
    if non_english:
        output.write(skipped_text(non_english))
    if not proposals:
        output.write("nothing to propose: no unlabelled pair of actors sharing a sentence\n")
        return 0
    if args.export:
        annofile.write_proposals(args.export, [p.export_row() for p in proposals])
        output.write(f"wrote {len(proposals)} proposals to {args.export}; fill in the label column, then run "
                     f"python -m training.annotate --import {args.export} --out {args.out}\n")
        return 0
    label_loop(proposals, args.out, input_fn=input_fn, output=output, batch=args.batch)
    return 0


def main(argv: Sequence[str] | None = None, *, input_fn=input, output: TextIO | None = None) -> int:
    """Command-line entry point; returns the exit code (0 ok, 2 bad input or model, 130 interrupted)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        return run(args, input_fn=input_fn, output=output)
    except (DataError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: every label given so far is in {args.out}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
