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

from training.actors import ActorDictionary
from training.articles import LABELS, Annotation, Article, LabelledPair
from training.examples import candidate_examples, pair_examples, prepare, resolve_pair, with_literal_actors

__all__ = ["BuildReport", "examples_from_articles", "examples_from_pairs", "to_dataset", "sha256_file"]

log = logging.getLogger(__name__)
COLUMNS = ("id", "doc_id", "sentence_index", "sentence_start", "text", "source", "target",
           "source_spans", "target_spans", "other_spans", "label")


@dataclass
class BuildReport:
    """What example building did with its inputs.

    Attributes
    ----------
    unmatched_annotations : list of str
        ``file:line`` of annotations whose pair was not found together in the article (or sentence).
    unannotated_articles : list of str
        Ids of articles without any annotation (skipped).
    pairs_without_shared_sentence : int
        Labelled-pair rows whose actors were not both found in one sentence (skipped).
    """

    unmatched_annotations: list[str] = field(default_factory=list)
    unannotated_articles: list[str] = field(default_factory=list)
    pairs_without_shared_sentence: int = 0


def _code(dictionary: ActorDictionary, name: str, article: Article) -> str:
    actor = dictionary.resolve(name, date=article.date) or dictionary.resolve(name)
    return actor.code if actor else name


def examples_from_articles(articles: Sequence[Article], annotations: Iterable[Annotation],
                           dictionary: ActorDictionary, report: BuildReport | None = None) -> list[dict]:
    """Label the candidate examples of annotated articles.

    Parameters
    ----------
    articles : sequence of Article
    annotations : iterable of Annotation
        Source and target may be codes or names; they are resolved with the dictionary.
    dictionary : ActorDictionary
    report : BuildReport, optional
        Filled with what could not be used.

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
            report.unmatched_annotations += [a.where for a in items]
    out: list[dict] = []
    for article in articles:
        notes = by_doc.get(article.id)
        if not notes:
            report.unannotated_articles.append(article.id)
            continue
        doc = prepare(article.text, dictionary, doc_id=article.id, date=article.date)
        literal = {n for a in notes for n in (a.source, a.target) if _code(dictionary, n, article) == n}
        if literal:  # people, parties, companies named in the annotations act in their article
            doc = with_literal_actors(doc, dictionary, literal)
        examples = candidate_examples(doc)
        index = {(e["sentence_index"], e["source"], e["target"]): e for e in examples}
        for e in examples:
            e["label"] = "neutral"
        for a in notes:
            src, tgt = _code(dictionary, a.source, article), _code(dictionary, a.target, article)
            hits = [e for (i, s, t), e in index.items() if s == src and t == tgt and a.sentence in (None, i)]
            if not hits:
                report.unmatched_annotations.append(a.where)
            for e in hits:
                e["label"] = a.label
        for e in examples:
            e["id"] = f"{article.id}:{e['sentence_index']}:{e['source']}>{e['target']}"
        out += examples
    if report.unmatched_annotations:
        log.warning("%d annotations matched no candidate pair, first: %s",
                    len(report.unmatched_annotations), report.unmatched_annotations[0])
    return out


def examples_from_pairs(rows: Iterable[LabelledPair], dictionary: ActorDictionary,
                        report: BuildReport | None = None) -> list[dict]:
    """Examples of labelled-pair rows: the sentences of each row's text where both actors occur.

    Parameters
    ----------
    rows : iterable of LabelledPair
    dictionary : ActorDictionary
    report : BuildReport, optional

    Returns
    -------
    list of dict
        Examples with the row's ``label``; ``id`` is the row id (suffixed when a row gives several).
    """
    report = report if report is not None else BuildReport()
    out = []
    for row in rows:
        if not row.text.strip():
            report.pairs_without_shared_sentence += 1
            continue
        doc = prepare(row.text, dictionary, doc_id=row.doc_id, date=row.date)
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
