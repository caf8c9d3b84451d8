"""Labelled examples from annotated articles and labelled-pair files, as a ``datasets.Dataset``.

Labels of article examples come from annotation files: an annotation labels the pair in its sentence
(or in every sentence where the pair co-occurs, when it gives none); every other candidate pair of an
annotated article is ``neutral``. Articles with no annotation give no training examples.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from training.actors import ActorDictionary
from training.articles import LABELS, Annotation, Article, LabelledPair
from training.document import prepare, resolve_pair, with_literal_actors
from training.examples import candidate_examples, pair_examples
from training.language import detect_language

__all__ = ["BuildReport", "REASONS", "examples_from_articles", "examples_from_pairs", "to_dataset", "sha256_file"]

log = logging.getLogger(__name__)
COLUMNS = ("id", "doc_id", "sentence_index", "sentence_start", "text", "source", "target",
           "source_spans", "target_spans", "other_spans", "label")


@dataclass
class BuildReport:
    """What example building did with its inputs.

    Attributes
    ----------
    unmatched_annotations : list of str
        ``file:line`` of annotations that labelled no candidate pair.
    unmatched : list of dict
        The same annotations with why: ``where`` (file:line), ``reason`` (one of :data:`REASONS`) and
        ``message`` (a sentence naming the actor, document or sentence index).
    unannotated_articles : list of str
        Ids of articles without any annotation (skipped).
    pairs_without_shared_sentence : int
        Labelled-pair rows whose actors were not both found in one sentence (skipped).
    non_english : list of dict
        Articles and labelled-pair rows not in English (skipped: the model reads English only), each
        ``{"id", "language"}``.
    """

    unmatched_annotations: list[str] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    unannotated_articles: list[str] = field(default_factory=list)
    pairs_without_shared_sentence: int = 0
    non_english: list[dict] = field(default_factory=list)

    def skip_language(self, doc, key: str) -> bool:
        """Whether ``doc`` (a prepared Document) is not in English; if so it is recorded here as ``key``."""
        guess = detect_language(doc.text)
        if not guess.english:
            self.non_english.append({"id": key, "language": guess.code})
        return not guess.english

    def miss(self, where: str, reason: str, message: str) -> None:
        """Record an annotation that matched nothing."""
        self.unmatched_annotations.append(where)
        self.unmatched.append({"where": where, "reason": reason, "message": f"{where}: {message}"})


# why an annotation matched nothing
REASONS = ("unknown_document", "unknown_actor", "actor_not_in_article", "sentence_out_of_range",
           "pair_not_in_sentence", "same_actor")


def _short(name: str) -> str:
    return repr(name if len(name) <= 60 else name[:57] + "...")


def _code(dictionary: ActorDictionary, name: str, article: Article) -> str | None:
    actor = dictionary.resolve(name, date=article.date) or dictionary.resolve(name)
    return actor.code if actor else None


def _why_unmatched(a: Annotation, src: str | None, tgt: str | None, doc, pair_sentences: list[int]):
    """(reason, message) of an annotation that labels no candidate pair of its article."""
    for name, code in ((a.source, src), (a.target, tgt)):
        if code is None:
            return "unknown_actor", (f"unknown actor {_short(name)}: not a code or name in the actor "
                                    "dictionary, nor a name found in the article")
    if src == tgt:
        return "same_actor", f"source and target are the same actor ({src})"
    n = len(doc.sentences)
    if a.sentence is not None and a.sentence >= n:
        return "sentence_out_of_range", (
            f"sentence index {a.sentence} is out of range: article {a.doc_id!r} has {n} sentences, numbered "
            "from 0 over the body (the title is not counted)")
    found = {m.code for m in doc.mentions}
    for name, code in ((a.source, src), (a.target, tgt)):
        if code not in found:
            return "actor_not_in_article", f"actor {_short(name)} ({code}) is not found in article {a.doc_id!r}"
    where = (f"it shares sentences {pair_sentences[:10]}" if pair_sentences
             else "they never share a sentence as acting actors")
    scope = f"sentence {a.sentence}" if a.sentence is not None else "any sentence"
    return "pair_not_in_sentence", f"pair {src} -> {tgt} is not in {scope} of article {a.doc_id!r}; {where}"


def _progress(items, desc: str, unit: str, progress: bool):
    return tqdm(items, desc=desc, unit=unit, disable=None if progress else True)


def examples_from_articles(articles: Sequence[Article], annotations: Iterable[Annotation],
                           dictionary: ActorDictionary, report: BuildReport | None = None, *,
                           progress: bool = False) -> list[dict]:
    """Label the candidate examples of annotated articles.

    Sentence indices of annotations are 0-based over the article body as split by
    ``split_sentences(clean_text(body))``; the title is not counted.

    Parameters
    ----------
    articles : sequence of Article
    annotations : iterable of Annotation
        Source and target may be codes or names; they are resolved with the dictionary.
    dictionary : ActorDictionary
    report : BuildReport, optional
        Filled with what could not be used, and why.
    progress : bool, default=False
        Show a progress bar (on a terminal).

    Returns
    -------
    list of dict
        Examples (see :mod:`training.examples`) with ``id`` and ``label``.
    """
    report = report if report is not None else BuildReport()
    by_doc: dict[str, list[Annotation]] = {}
    for a in annotations:
        by_doc.setdefault(a.doc_id, []).append(a)
    known = {a.id for a in articles}
    for doc_id, items in by_doc.items():
        if doc_id not in known:
            for a in items:
                report.miss(a.where, "unknown_document", f"unknown document {doc_id!r}: no article has this id")
    out: list[dict] = []
    for article in _progress(articles, "building examples", "article", progress):
        notes = by_doc.get(article.id)
        if not notes:
            report.unannotated_articles.append(article.id)
            continue
        doc = prepare(article.text, dictionary, doc_id=article.id, date=article.date)
        if report.skip_language(doc, article.id):
            continue
        literal = {n for a in notes for n in (a.source, a.target) if _code(dictionary, n, article) is None}
        if literal:  # people, parties, companies named in the annotations act in their article
            doc = with_literal_actors(doc, dictionary, literal)
            literal &= {m.code for m in doc.mentions}  # the names found in it
        examples = candidate_examples(doc)
        index: dict[tuple[str, str], list[dict]] = {}
        for e in examples:
            e["label"] = "neutral"
            index.setdefault((e["source"], e["target"]), []).append(e)
        for a in notes:
            src, tgt = (_code(dictionary, n, article) or (n if n in literal else None) for n in (a.source, a.target))
            pair = index.get((src, tgt), [])
            hits = [e for e in pair if a.sentence in (None, e["sentence_index"])]
            if not hits:
                report.miss(a.where, *_why_unmatched(a, src, tgt, doc, [e["sentence_index"] for e in pair]))
            for e in hits:
                e["label"] = a.label
        for e in examples:
            e["id"] = f"{article.id}:{e['sentence_index']}:{e['source']}>{e['target']}"
        out += examples
    if report.unmatched:
        log.warning("%d annotations matched no candidate pair, first: %s",
                    len(report.unmatched), report.unmatched[0]["message"])
    return out


def examples_from_pairs(rows: Iterable[LabelledPair], dictionary: ActorDictionary,
                        report: BuildReport | None = None, *, progress: bool = False) -> list[dict]:
    """Examples of labelled-pair rows: the sentences of each row's text where both actors occur.

    Parameters
    ----------
    rows : iterable of LabelledPair
    dictionary : ActorDictionary
    report : BuildReport, optional
    progress : bool, default=False
        Show a progress bar (on a terminal).

    Returns
    -------
    list of dict
        Examples with the row's ``label``; ``id`` is the row id (suffixed when a row gives several).
    """
    report = report if report is not None else BuildReport()
    out = []
    for row in _progress(rows, "building examples", "row", progress):
        if not row.text.strip():
            report.pairs_without_shared_sentence += 1
            continue
        doc = prepare(row.text, dictionary, doc_id=row.doc_id, date=row.date)
        if report.skip_language(doc, row.id):
            continue
        src, tgt = resolve_pair(doc, dictionary, row.source, row.target, row.source_span, row.target_span)
        examples = pair_examples(doc, src, tgt)
        if not examples:
            report.pairs_without_shared_sentence += 1
        for k, e in enumerate(examples):
            e["id"] = row.id if k == 0 else f"{row.id}#{k}"
            e["label"] = row.label
        out += examples
    return out


def to_dataset(examples: Sequence[dict]):
    """Build a ``datasets.Dataset`` with a ``ClassLabel`` label column.

    Parameters
    ----------
    examples : sequence of dict
        With the keys of :data:`COLUMNS`.

    Returns
    -------
    datasets.Dataset
        ``label`` is a ``ClassLabel`` with names ``("support", "oppose", "neutral")``.
    """
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets

    spans = datasets.Sequence(datasets.Sequence(datasets.Value("int32")))
    features = datasets.Features({
        "id": datasets.Value("string"), "doc_id": datasets.Value("string"),
        "sentence_index": datasets.Value("int32"), "sentence_start": datasets.Value("int32"),
        "text": datasets.Value("string"), "source": datasets.Value("string"), "target": datasets.Value("string"),
        "source_spans": spans, "target_spans": spans, "other_spans": spans,
        "label": datasets.ClassLabel(names=list(LABELS)),
    })
    columns = {c: [e[c] for e in examples] for c in COLUMNS}
    return datasets.Dataset.from_dict(columns, features=features)


def label_counts(examples: Iterable[dict]) -> dict[str, int]:
    """Examples per label, every label present as a key."""
    counts = Counter(e["label"] for e in examples)
    return {label: counts.get(label, 0) for label in LABELS}


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, or of a folder's files (names and contents, sorted)."""
    h = hashlib.sha256()
    p = Path(path)
    files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    for f in files:
        if p.is_dir():
            h.update(json.dumps(str(f.relative_to(p))).encode())
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()
