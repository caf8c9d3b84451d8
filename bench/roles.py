"""Spurious dyads before and after mention roles, on a small fully annotated evaluation set.

Usage::

    python bench/roles.py [--data tests/data/roles_eval.jsonl] [--json]

Each line of the evaluation set is a text (or ``article``, a path under the repository, such as the seed
article) with every mention a person would *not* code as the actor acting (``non_acting``: its surface
text, the expected role and, when the surface occurs several times, ``nth``, its 0-based occurrence among
the dictionary's mentions), and optionally ``dyads``: the unordered pairs of acting actors a person would
code. A candidate example (sentence x directed pair) is **spurious** when its source or target is present
in that sentence only through non-acting mentions. "Before" treats every mention as acting, as the
dictionary did before :mod:`training.roles`; "after" is the current code.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from training.actors import ActorDictionary, Mention, default_dictionary  # noqa: E402
from training.examples import Document, candidate_examples, prepare  # noqa: E402
from training.reading import read_articles  # noqa: E402

DEFAULT_DATA = ROOT / "tests" / "data" / "roles_eval.jsonl"


@dataclass
class Figures:
    """Counts over the evaluation set (see the module docstring)."""

    texts: int = 0
    mentions: int = 0
    non_acting: int = 0
    candidates_before: int = 0
    spurious_before: int = 0
    candidates_after: int = 0
    spurious_after: int = 0
    lost: int = 0  # acting candidates of "before" that "after" no longer has
    roles_right: int = 0  # non-acting mentions given exactly their expected role
    found_non_acting: int = 0  # non-acting mentions given any non-actor role
    false_non_acting: int = 0  # acting mentions given a non-actor role
    dyads_right: int = 0  # texts with ``dyads`` whose after-candidates give exactly those pairs
    dyads_checked: int = 0

    def share(self, spurious: int, candidates: int) -> float:
        return round(spurious / candidates, 3) if candidates else 0.0

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        out["spurious_share_before"] = self.share(self.spurious_before, self.candidates_before)
        out["spurious_share_after"] = self.share(self.spurious_after, self.candidates_after)
        return out


def read_eval(path: str | Path = DEFAULT_DATA) -> list[dict]:
    """The evaluation rows, with ``text`` filled in for rows that name an ``article``."""
    rows = []
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from None
            if "article" in row:  # a .txt article of the repository: read as fit reads it (title apart)
                art = Path(ROOT / row["article"])
                row["text"] = next(a.text for a in read_articles(art.parent) if a.id == art.stem)
            rows.append(row)
    return rows


def _gold(doc: Document, row: dict) -> dict[int, str]:
    """Index in ``doc.mentions`` -> expected role, for the row's non-acting mentions."""
    out = {}
    for want in row.get("non_acting", []):
        hits = [k for k, m in enumerate(doc.mentions) if m.text == want["text"]]
        nth = want.get("nth", 0)
        if nth >= len(hits):
            raise ValueError(f"{row['id']}: no occurrence {nth} of mention {want['text']!r}")
        out[hits[nth]] = want["role"]
    return out


def _as_before(doc: Document) -> Document:
    mentions = [m._replace(role="actor") for m in doc.mentions]
    by_sentence = [[m for m in mentions if s.start <= m.start and m.end <= s.end] for s in doc.sentences]
    return Document(doc.doc_id, doc.text, doc.date, doc.sentences, mentions, by_sentence)


def _spurious(doc: Document, examples: list[dict], non_acting: set[tuple[int, int]]) -> list[bool]:
    flags = []
    for e in examples:
        s = doc.sentences[e["sentence_index"]]
        inside: list[Mention] = [m for m in doc.mentions if s.start <= m.start and m.end <= s.end]
        acting = {m.code for m in inside if (m.start, m.end) not in non_acting}
        flags.append(e["source"] not in acting or e["target"] not in acting)
    return flags


def evaluate(rows: list[dict], dictionary: ActorDictionary) -> Figures:
    """Spurious candidate dyads before and after roles, and how well the rules find each role."""
    fig = Figures()
    for row in rows:
        after = prepare(row["text"], dictionary, doc_id=row["id"])
        gold = _gold(after, row)
        non_acting = {(after.mentions[k].start, after.mentions[k].end) for k in gold}
        before = _as_before(after)
        ex_before, ex_after = candidate_examples(before), candidate_examples(after)
        sp_before, sp_after = _spurious(before, ex_before, non_acting), _spurious(after, ex_after, non_acting)
        fig.texts += 1
        fig.mentions += len(after.mentions)
        fig.non_acting += len(gold)
        fig.candidates_before += len(ex_before)
        fig.spurious_before += sum(sp_before)
        fig.candidates_after += len(ex_after)
        fig.spurious_after += sum(sp_after)
        kept = {(e["sentence_index"], e["source"], e["target"]) for e in ex_after}
        fig.lost += sum(1 for e, sp in zip(ex_before, sp_before)
                        if not sp and (e["sentence_index"], e["source"], e["target"]) not in kept)
        for k, m in enumerate(after.mentions):
            if k in gold:
                fig.found_non_acting += m.role != "actor"
                fig.roles_right += m.role == gold[k]
            else:
                fig.false_non_acting += m.role != "actor"
        if "dyads" in row:
            fig.dyads_checked += 1
            got = {frozenset((e["source"], e["target"])) for e in ex_after}
            fig.dyads_right += got == {frozenset(d) for d in row["dyads"]}
    return fig


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA), help="evaluation set (default: %(default)s)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args(argv)
    try:
        fig = evaluate(read_eval(args.data), default_dictionary())
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(fig.as_dict()))
        return 0
    d = fig.as_dict()
    print(f"{fig.texts} texts, {fig.mentions} mentions, {fig.non_acting} not acting")
    print(f"before: {fig.candidates_before} candidate dyads, {fig.spurious_before} spurious "
          f"({d['spurious_share_before']:.1%})")
    print(f"after:  {fig.candidates_after} candidate dyads, {fig.spurious_after} spurious "
          f"({d['spurious_share_after']:.1%}); acting dyads lost: {fig.lost}")
    print(f"non-acting mentions found {fig.found_non_acting}/{fig.non_acting} (exact role {fig.roles_right}); "
          f"acting mentions wrongly set aside: {fig.false_non_acting}; "
          f"texts with exactly the coded dyads: {fig.dyads_right}/{fig.dyads_checked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
