"""Which actor pairs the tool finds in real news, against complete gold annotations.

Usage::

    python bench/actors_real.py [--news data/news] [--no-roles] [--no-field] [--top 25] [--json]

Every annotated batch of ``--news`` (``articles/NAME.jsonl`` with ``annotations/NAME.jsonl``) is read. The
gold annotation is complete: every ordered pair of two in-scope actors acting in a sentence is listed (to
``ANNOTATION_GUIDE.md``), so the tool's pairs can be scored pair by pair:

- a **gold pair** is ``(story, sentence, source, target)`` with both names resolved by the dictionary at the
  story's date (a name the dictionary does not know stays as written, and the tool cannot find it);
- a **tool pair** is a candidate example of :func:`training.examples.candidate_examples`: an ordered pair
  of dictionary actors acting in the sentence (mentions of another role, such as ``location``, make none).

It prints gold pairs found and missed, tool pairs not in the gold (spurious), precision and recall, the
same figures over the gold pairs whose two actors the dictionary knows, and the most frequent missed
and spurious mentions (a missed pair blames each of its actors the tool did not give as acting in that
sentence; a spurious pair each of its actors the gold does not have in that sentence). ``--no-roles``
scores every mention as acting (before :mod:`training.roles`); ``--no-field`` uses the dictionary
without the Phoenix merge (before it). Nothing is trained; the run takes seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from training.actors import ActorDictionary, default_dictionary  # noqa: E402
from training.articles import read_annotations  # noqa: E402
from training.document import Document, _by_sentence  # noqa: E402
from training.examples import candidate_examples, prepare  # noqa: E402
from training.reading import read_articles  # noqa: E402

DEFAULT_NEWS = ROOT / "data" / "news"


@dataclass
class Figures:
    """Pair counts over the real stories (see the module docstring)."""

    stories: int = 0
    gold: int = 0
    gold_known: int = 0  # gold pairs whose two actors the dictionary knows
    found: int = 0
    tool: int = 0
    missed: Counter = field(default_factory=Counter)  # actor (code or name) -> missed pairs it takes part in
    spurious: Counter = field(default_factory=Counter)  # "surface (code, role)" -> spurious pairs

    def as_dict(self, top: int) -> dict:
        known_found = self.found  # every found pair is between known actors
        return {
            "stories": self.stories, "gold_pairs": self.gold, "gold_pairs_known": self.gold_known,
            "found": self.found, "missed": self.gold - self.found, "tool_pairs": self.tool,
            "spurious": self.tool - self.found,
            "precision": round(self.found / self.tool, 3) if self.tool else 0.0,
            "recall": round(self.found / self.gold, 3) if self.gold else 0.0,
            "recall_known": round(known_found / self.gold_known, 3) if self.gold_known else 0.0,
            "top_missed": self.missed.most_common(top), "top_spurious": self.spurious.most_common(top),
        }


def batches(news: Path) -> list[tuple[Path, Path]]:
    """``(articles, annotations)`` file pairs of every annotated batch under ``news``."""
    out = []
    for arts in sorted((news / "articles").glob("*.jsonl")):
        notes = news / "annotations" / arts.name
        if notes.exists():
            out.append((arts, notes))
    return out


def _all_acting(doc: Document) -> Document:
    mentions = [m._replace(role="actor") for m in doc.mentions]
    return Document(doc.doc_id, doc.text, doc.date, doc.sentences, mentions, _by_sentence(doc.sentences, mentions))


def score(dictionary: ActorDictionary, news: Path = DEFAULT_NEWS, *, roles: bool = True) -> Figures:
    """Score the tool's acting pairs against the gold pairs of every batch under ``news``.

    Parameters
    ----------
    dictionary : ActorDictionary
    news : Path
        Folder with ``articles/`` and ``annotations/``.
    roles : bool, default=True
        False: every mention counts as acting.

    Returns
    -------
    Figures
    """
    fig = Figures()
    for arts, notes in batches(news):
        by_doc: dict[str, list] = {}
        for a in read_annotations(notes):
            by_doc.setdefault(a.doc_id, []).append(a)
        for article in read_articles(arts):
            if article.id not in by_doc:
                continue
            fig.stories += 1
            doc = prepare(article.text, dictionary, doc_id=article.id, date=article.date)
            if not roles:
                doc = _all_acting(doc)

            def code(name: str, day=article.date) -> tuple[str, bool]:
                actor = dictionary.resolve(name, date=day) or dictionary.resolve(name)
                return (actor.code, True) if actor else (name, False)

            gold = set()
            for a in by_doc[article.id]:
                (src, ks), (tgt, kt) = code(a.source), code(a.target)
                if src != tgt and (a.sentence, src, tgt) not in gold:
                    gold.add((a.sentence, src, tgt))
                    fig.gold_known += ks and kt
            tool = {(e["sentence_index"], e["source"], e["target"]) for e in candidate_examples(doc)}
            fig.gold += len(gold)
            fig.tool += len(tool)
            fig.found += len(gold & tool)
            acting = {(s, c) for s, c, _ in tool} | {(s, c) for s, _, c in tool}
            gold_actors = {(s, c) for s, c, _ in gold} | {(s, c) for s, _, c in gold}
            for s, a, b in gold - tool:
                for c in (a, b):
                    if (s, c) not in acting:
                        fig.missed[c] += 1
            for s, a, b in tool - gold:
                for c in (a, b):
                    if (s, c) not in gold_actors:
                        for m in doc.sentence_mentions(s):
                            if m.code == c:
                                fig.spurious[f"{m.text} ({c})"] += 1
                                break
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS, help="folder with articles/ and annotations/")
    parser.add_argument("--no-roles", action="store_true", help="every mention counts as acting")
    parser.add_argument("--no-field", action="store_true", help="the dictionary without the Phoenix merge")
    parser.add_argument("--top", type=int, default=25, help="how many frequent misses and spurious mentions")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not batches(args.news):
        print(f"error: no annotated batch (articles/X.jsonl with annotations/X.jsonl) under {args.news}",
              file=sys.stderr)
        return 2
    dictionary = ActorDictionary(field_dir=None) if args.no_field else default_dictionary()
    out = score(dictionary, args.news, roles=not args.no_roles).as_dict(args.top)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"{out['stories']} stories: gold pairs {out['gold_pairs']} ({out['gold_pairs_known']} between actors "
          f"the dictionary knows), found {out['found']}, missed {out['missed']}; tool pairs {out['tool_pairs']}, "
          f"spurious {out['spurious']}")
    print(f"precision {out['precision']:.3f}  recall {out['recall']:.3f}  recall (known actors) "
          f"{out['recall_known']:.3f}")
    print("most frequent misses (actor: missed pairs):")
    print("  " + "; ".join(f"{k} {v}" for k, v in out["top_missed"]))
    print("most frequent spurious mentions (mention (code): spurious pairs):")
    print("  " + "; ".join(f"{k} {v}" for k, v in out["top_spurious"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
