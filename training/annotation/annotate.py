"""Label the dyads of your own articles that teach the model most: ``python -m training.annotate``.

Usage::

    python -m training.annotate --articles my_articles/ --out my_annotations.jsonl [--batch 50]
    python -m training.annotate --articles my_articles/ --out my_annotations.jsonl --export proposals.csv
    python -m training.annotate --import proposals.csv --out my_annotations.jsonl

The model scores every directed pair of actors that share a sentence; the most uncertain ones, spread
over articles and pairs (:mod:`training.annotation.select`), are shown one at a time. Each answer is written to
the annotation file at once (:mod:`training.annotation.annofile`), in the format ``training.fit --annotations``
reads, as a partial annotation (only the pairs labelled train); a second run skips what is already there and
what was skipped. Sentence numbers are 0-based over the article body (the title is not counted), as
everywhere in the project.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from training.actors import default_dictionary
from training.annotation import annofile, skips
from training.annotation import proposals as proposal_files
from training.annotation.select import STRATEGIES, Proposal, proposal_for, propose
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
  k  skip (not proposed again)   u  undo (this session's answers, then earlier sessions' labels)
  q  quit (everything answered is saved)"""

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


def _undo_earlier(out_path, output: TextIO, recall) -> Proposal | None:
    """Remove the file's last label (an earlier session's); its proposal to ask again, when it can be rebuilt."""
    row = annofile.remove_last(out_path)
    if row is None:
        output.write("  nothing to undo\n")
        return None
    output.write(f"  undone (an earlier label): {row.get('doc_id')} sentence {row.get('sentence')}: "
                 f"{row.get('source')} -> {row.get('target')} {row.get('label')}\n")
    again = recall(row) if recall else None
    if again is None:
        output.write("  (it will be proposed again on the next run)\n")
    return again


def label_loop(proposals: Sequence[Proposal], out_path, *, input_fn: Callable[[str], str] = input,
               output: TextIO | None = None, color: bool | None = None, batch: int | None = None,
               resolve: Callable[[str], str] | None = None,
               recall: Callable[[dict], Proposal | None] | None = None) -> int:
    """Ask for a label of each proposal, writing every answer to ``out_path`` at once.

    Parameters
    ----------
    proposals : sequence of Proposal
    out_path : str or path-like
        The annotation file (created when missing). Skips go to ``<out_path>.skipped``.
    input_fn : callable, default=input
        Reads one answer given the prompt; EOF or Ctrl-C ends the loop like ``q``.
    output : text stream, default=sys.stdout
    color : bool, optional
        ANSI colours; default when ``output`` is a terminal.
    batch : int, optional
        Stop after this many labels.
    resolve : callable, optional
        name -> actor code, so a label replaces an earlier one of the same pair whichever way it names it.
    recall : callable, optional
        row -> Proposal: rebuilds the proposal of a label undone from an earlier session, to ask it again.

    Returns
    -------
    int
        Labels written and not undone in this session.
    """
    output = output or sys.stdout
    color = output.isatty() if color is None else color
    resolve = resolve or (lambda name: name)
    queue = list(proposals)
    done: list[tuple[str, int, dict]] = []  # (label or skip, proposal index, row written)
    k = 0

    def labels() -> int:
        return sum(kind == "label" for kind, _, _ in done)

    while k < len(queue) and (batch is None or labels() < batch):
        p = queue[k]
        _show(p, k + 1, len(queue), output, color)
        try:
            answer = input_fn(PROMPT).strip().lower()
        except (EOFError, KeyboardInterrupt):
            answer = "q"
        if answer == "q":
            break
        if answer in ("?", "h"):
            output.write(GUIDELINE + "\n")
        elif answer == "k":
            row = annofile.annotation_row(p.doc_id, p.source, p.target, "", p.sentence)
            skips.add_skip(out_path, row)
            done.append(("skip", k, row))
            k += 1
        elif answer == "u":
            if done:
                kind, k, row = done.pop()
                if kind == "skip":
                    skips.remove_skip(out_path, row)
                    output.write(f"  undone: the skip of {row['source']} -> {row['target']}\n")
                else:
                    annofile.remove_row(out_path, row)
                    output.write(f"  undone: {row['source']} -> {row['target']} {row['label']}\n")
                continue
            again = _undo_earlier(out_path, output, recall)
            if again is not None:
                queue.insert(k, again)
        elif answer in KEYS:
            row = annofile.annotation_row(p.doc_id, p.source, p.target, KEYS[answer], p.sentence)
            status = annofile.label_row(out_path, row, resolve=resolve)
            if status == "replaced":
                output.write("  (replaces an earlier label of this pair)\n")
            done.append(("label", k, row))
            k += 1
        else:
            output.write("  keys: s, o, n, k, u, q or ? (the guideline)\n")
    output.write(f"\n{labels()} labels saved in {out_path}\n")
    return labels()


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
                    help="add the labelled rows of an exported proposal file to --out (a label for a pair --out "
                         "already holds replaces it)")
    ap.add_argument("--retry-skipped", action="store_true",
                    help="propose again the pairs skipped in earlier runs (kept in <out>.skipped)")
    ap.add_argument("--complete", action="append", metavar="DOC_ID",
                    help="say that article DOC_ID is annotated completely in --out: every pair of it not labelled "
                         "is then neutral for training.fit (repeatable)")
    return ap


def run(args, *, input_fn=input, output: TextIO | None = None) -> int:
    """The command with parsed arguments; raises DataError or ModelError on bad input."""
    output = output or sys.stdout
    if args.import_ or args.complete:
        dictionary = default_dictionary()
        if args.import_:
            resolve, empty = _resolver(dictionary), []
            rows = proposal_files.read_labelled_proposals(args.import_, skipped=empty)
            with annofile.session(args.out):
                counts = annofile.import_rows(args.out, rows, resolve=resolve)
                labelled = annofile.annotated_keys(args.out, resolve)
                n_skipped = skips.add_skips(args.out, [r for r in empty
                                                       if annofile.row_key(r, resolve) not in labelled])
            output.write(f"imported into {args.out}: {counts['new']} new, {counts['replaced']} replaced, "
                         f"{counts['unchanged']} unchanged labels\n")
            if n_skipped:
                output.write(f"{n_skipped} rows left empty are remembered as skipped (--retry-skipped proposes "
                             "them again)\n")
        for doc_id in args.complete or []:
            annofile.mark_complete(args.out, doc_id)
            output.write(f"article {doc_id} is marked complete in {args.out}: its pairs not labelled are neutral\n")
        return 0
    if not args.articles:
        raise DataError("--articles is required (unless --import or --complete is given)")
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
    resolve = _resolver(dictionary)
    labelled = annofile.annotated_keys(args.out, resolve)
    skipped = set() if args.retry_skipped else skips.skipped_keys(args.out, resolve) - labelled
    non_english: list[dict] = []
    proposals = propose(articles, model, dictionary, n=args.proposals, skip=labelled | skipped,
                        strategy=args.strategy, per_article=args.per_article, non_english=non_english)
    log.info("%d articles, %d pairs already labelled, %d skipped earlier (--retry-skipped proposes them), "
             "%d proposals", len(articles), len(labelled), len(skipped), len(proposals))
    if non_english:
        output.write(skipped_text(non_english))
    if not proposals:
        output.write("nothing to propose: no unlabelled pair of actors sharing a sentence\n")
        return 0
    if args.export:
        proposal_files.write_proposals(args.export, [p.export_row() for p in proposals])
        output.write(f"wrote {len(proposals)} proposals to {args.export}; fill in the label column, then run "
                     f"python -m training.annotate --import {args.export} --out {args.out}\n")
        return 0
    by_id = {a.id: a for a in articles}

    def recall(row: dict) -> Proposal | None:
        article = by_id.get(str(row.get("doc_id")))
        if article is None or not isinstance(row.get("sentence"), int):
            return None
        return proposal_for(article, model, dictionary, sentence=row["sentence"], source=resolve(row["source"]),
                            target=resolve(row["target"]))

    label_loop(proposals, args.out, input_fn=input_fn, output=output, batch=args.batch, resolve=resolve,
               recall=recall)
    return 0


def _resolver(dictionary) -> Callable[[str], str]:
    def resolve(name: str) -> str:
        actor = dictionary.resolve(name)
        return actor.code if actor else name

    return resolve


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
