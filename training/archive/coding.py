"""Coding one partition of an archive: articles -> dyad-table rows, on the service's own path.

Each article goes through :func:`training.examples.prepare` and :func:`~training.examples.candidate_examples`
(the caps of :mod:`training.limits` hold), the examples of the whole partition are scored in one batch by
:meth:`training.model.StanceModel.score`, and each pair's article-level stance is
:func:`training.dyads.aggregate` over its sentences with known words, exactly as
:meth:`training.predict.StancePredictor.dyads` decides it. A pair whose sentences hold no word the model
knows gets no row (the service answers ``no_known_words`` for it).

An article that :func:`training.language.detect_language` finds not in English is skipped with reason
``unsupported_language`` (the model reads English only) and counted, with its language, in the summary
and in the table's metadata.

The model and dictionary are loaded once per process (a worker of a pool or of a Dask cluster) and kept
for every partition it codes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from training.actors import ActorDictionary, default_dictionary
from training.archive.tables import EVENT_SCHEMA, SENTENCE_SCHEMA, TABLE_SCHEMA
from training.articles import LABELS, ArticleRecord
from training.document import prepare
from training.dyads import aggregate, by_dyad
from training.events import SentenceMatches, code_events, dyad_counts
from training.examples import candidate_examples
from training.language import detect_language
from training.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from training.model import StanceModel, load_model
from training.text import has_words

__all__ = ["CodingConfig", "Coder", "code_partition"]


@dataclass(frozen=True)
class CodingConfig:
    """What decides the rows of a partition (and so the hash that a restarted run must match).

    Attributes
    ----------
    model_path : str
    model_key : str
        A digest of the model's metadata, checked by every worker against the model it loads.
    actors : tuple of str or None
        Keep only pairs among these dictionary codes.
    sentences : bool
        One row per sentence x pair instead of per article x pair.
    limits : Limits
    events : bool
        Also the event table's rows (``--events``).
    """

    model_path: str
    model_key: str
    actors: tuple[str, ...] | None = None
    sentences: bool = False
    limits: Limits = DEFAULT_LIMITS
    events: bool = False

    @property
    def schema(self) -> pa.Schema:
        return SENTENCE_SCHEMA if self.sentences else TABLE_SCHEMA


def model_key(model: StanceModel) -> str:
    """A digest of a loaded model's metadata (its artifact hash, data, config and creation time)."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(model.metadata, sort_keys=True, default=str).encode()).hexdigest()[:16]


class Coder:
    """A model and dictionary, loaded once, that code partitions.

    Parameters
    ----------
    model : StanceModel
    dictionary : ActorDictionary
    """

    def __init__(self, model: StanceModel, dictionary: ActorDictionary):
        self.model = model
        self.dictionary = dictionary

    def code(self, records: list[ArticleRecord], config: CodingConfig) -> tuple[pa.Table, dict, pa.Table | None]:
        """Rows and counts of one partition.

        Parameters
        ----------
        records : list of ArticleRecord
            In archive order; bad ones (``article is None``) are counted as skipped.
        config : CodingConfig

        Returns
        -------
        table : pyarrow.Table
            ``config.schema``; articles in the given order, pairs in order of first co-occurrence.
        stats : dict
            ``articles`` (coded), ``sentences``, ``dyads`` (rows), ``no_known_words`` (pairs without a
            row), ``events`` (event rows) and ``skipped``: a list of ``{"where", "reason", "detail"}`` (and
            ``"language"`` for reason ``unsupported_language``: an article not in English, which is not coded).
        events : pyarrow.Table or None
            With ``config.events``: :data:`~training.archive.tables.EVENT_SCHEMA` rows.
        """
        wanted = set(config.actors) if config.actors is not None else None
        stats = {"articles": 0, "sentences": 0, "dyads": 0, "no_known_words": 0, "skipped": []}
        docs, examples, spans = [], [], []
        for record in records:
            if record.article is None:
                stats["skipped"].append({"where": record.where, "reason": "bad_row", "detail": record.error})
                continue
            a = record.article
            if len(a.text) > config.limits.max_text_chars:  # the service's cap: checked before any work
                stats["skipped"].append({"where": record.where, "reason": "max_text_chars", "detail":
                                         f"{record.where}: article {a.id!r}: the text is {len(a.text):,} characters "
                                         f"long, the limit is {config.limits.max_text_chars:,} (max_text_chars)"})
                continue
            doc = prepare(a.text, self.dictionary, doc_id=a.id, date=a.date)
            if not has_words(doc.text):
                stats["skipped"].append({"where": record.where, "reason": "no_words",
                                         "detail": f"{record.where}: article {a.id!r} has no words to read"})
                continue
            guess = detect_language(doc.text)
            if not guess.english:
                stats["skipped"].append({"where": record.where, "reason": "unsupported_language",
                                         "language": guess.code,
                                         "detail": f"{record.where}: article {a.id!r} is not in English (read as "
                                                   f"{guess.code!r}); the model reads English only"})
                continue
            try:
                found = candidate_examples(doc, actors=wanted, limits=config.limits)
            except LimitExceeded as exc:
                stats["skipped"].append({"where": record.where, "reason": exc.limit,
                                         "detail": f"{record.where}: article {a.id!r}: {exc}"})
                continue
            stats["articles"] += 1
            stats["sentences"] += len(doc.sentences)
            docs.append((a, doc))
            spans.append((len(examples), len(examples) + len(found)))
            examples.extend(found)
        probs, known, material = self.model.score_events(examples)
        events = code_events(examples, probs, material, matches=SentenceMatches())
        rows: list[dict] = []
        event_rows: list[dict] = []
        for (a, doc), (lo, hi) in zip(docs, spans):
            date = a.date.isoformat() if a.date else None
            if config.sentences:
                self._sentence_rows(rows, doc, date, examples, probs, known, events, lo, hi, stats)
            else:
                self._article_rows(rows, doc, date, examples, probs, known, events, lo, hi, stats)
            if config.events:
                self._event_rows(event_rows, doc, date, examples, probs, known, events, lo, hi)
        stats["dyads"] = len(rows)
        stats["events"] = len(event_rows)
        table = pa.Table.from_pylist(rows, schema=config.schema)
        return table, stats, pa.Table.from_pylist(event_rows, schema=EVENT_SCHEMA) if config.events else None

    def _actor(self, code: str, side: str) -> dict:
        actor = self.dictionary.actors.get(code)
        return {side: code, f"{side}_name": actor.name if actor else code,
                f"{side}_kind": actor.kind if actor else "literal"}

    def _article_rows(self, rows, doc, date, examples, probs, known, events, lo, hi, stats) -> None:
        groups = by_dyad(examples, lo, hi)
        for (a, b), idx in groups.items():
            keep = [k for k in idx if known[k] > 0]
            if not keep:
                stats["no_known_words"] += 1
                continue
            mean = aggregate(probs[keep])
            sentences = [doc.sentences[examples[k]["sentence_index"]] for k in keep]
            rows.append({
                "doc_id": doc.doc_id, "date": date, **self._actor(a, "source"), **self._actor(b, "target"),
                "stance": LABELS[int(np.argmax(mean))], **_probabilities(mean), "n_sentences": len(keep),
                "sentence_indices": [examples[k]["sentence_index"] for k in keep],
                "sentence_starts": [s.start for s in sentences], "sentence_ends": [s.end for s in sentences],
                **dyad_counts([events[k] for k in keep]),
            })

    def _sentence_rows(self, rows, doc, date, examples, probs, known, events, lo, hi, stats) -> None:
        for k in range(lo, hi):
            if known[k] == 0:
                stats["no_known_words"] += 1
                continue
            e = examples[k]
            s = doc.sentences[e["sentence_index"]]
            rows.append({
                "doc_id": doc.doc_id, "date": date, "sentence_index": e["sentence_index"],
                "sentence_start": s.start, "sentence_end": s.end, **self._actor(e["source"], "source"),
                **self._actor(e["target"], "target"), "stance": LABELS[int(np.argmax(probs[k]))],
                **_probabilities(probs[k]), **(events[k].as_dict() if events[k] else {}), "sentence": s.text,
            })

    def _event_rows(self, rows, doc, date, examples, probs, known, events, lo, hi) -> None:
        for k in range(lo, hi):
            ev = events[k]
            if known[k] == 0 or ev is None:
                continue
            e = examples[k]
            s = doc.sentences[e["sentence_index"]]
            rows.append({
                "event_id": f"{doc.doc_id}:{e['sentence_index']}:{e['source']}:{e['target']}", "date": date,
                **self._actor(e["source"], "source"), **self._actor(e["target"], "target"),
                **ev.as_dict(), "cameo_base": ev.cameo_code[:3] if ev.cameo_code else None,
                "stance": LABELS[int(np.argmax(probs[k]))], **_probabilities(probs[k]), "doc_id": doc.doc_id,
                "sentence_index": e["sentence_index"], "sentence_start": s.start, "sentence_end": s.end,
            })


def _probabilities(p) -> dict:
    return {f"p_{label}": round(float(v), 6) for label, v in zip(LABELS, p)}


_CODERS: dict[tuple[str, str], Coder] = {}
_LOCK = threading.Lock()


def _coder(config: CodingConfig) -> Coder:
    """This process's coder for ``config``'s model, loaded on first use (once per worker)."""
    key = (config.model_path, config.model_key)
    with _LOCK:
        coder = _CODERS.get(key)
        if coder is None:
            model = load_model(config.model_path)
            if model_key(model) != config.model_key:
                raise RuntimeError(f"model {config.model_path} changed while the archive was being coded; "
                                   "start the run again")
            coder = _CODERS[key] = Coder(model, default_dictionary())
    return coder


def code_partition(index: int, records: list[ArticleRecord], config: CodingConfig
                   ) -> tuple[int, pa.Table, dict, pa.Table | None]:
    """Code partition ``index`` in this process (the task that pools and Dask workers run).

    Returns
    -------
    (int, pyarrow.Table, dict, pyarrow.Table or None)
        ``index``, the rows, the counts and the event rows of :meth:`Coder.code`.
    """
    table, stats, events = _coder(config).code(records, config)
    return index, table, stats, events
