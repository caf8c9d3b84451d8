"""Labelling from the page: the routes behind its label buttons and its *Next* view.

Labels go to the annotation file named by ``GEOSTANCE_ANNOTATION_FILE``, in the format ``training.fit
--annotations`` reads and written as ``training.annotate`` writes them (:mod:`training.annotation.annofile`:
locked, fsynced, a correction replaces the earlier label of its pair; partial annotations). A text pasted in
the page has no article file, so the first label of it also keeps the text, as an article (``id``, ``date``,
``text``), in ``<stem>_texts/texts.jsonl`` beside the annotation file, for ``training.fit --articles``.
The *Next* view walks the proposals of ``training.annotate`` (the same selection) over the articles of
``GEOSTANCE_LABEL_ARTICLES``, scored once per model and folder state and filtered by what is labelled or
skipped at each call.

Routes: ``GET /v1/labels`` (status and the label guideline), ``POST /v1/labels`` (one label),
``GET /v1/labels/next`` (proposals), ``POST /v1/labels/skip``. Without an annotation file they answer 409
saying which setting to set.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from serving.schemas import Date, ErrorOut, Text, ValidationErrorOut
from training.annotation import annofile, skips
from training.annotation.annotate import GUIDELINE
from training.annotation.select import propose
from training.articles import DataError
from training.document import prepare
from training.examples import candidate_examples
from training.limits import LimitExceeded
from training.reading import read_articles

__all__ = ["router", "NOT_CONFIGURED", "MAX_PROPOSALS"]

NOT_CONFIGURED = ("no annotation file is configured: start the service with GEOSTANCE_ANNOTATION_FILE set to the "
                  "JSONL file labels should go to (training.fit --annotations reads it)")
MAX_PROPOSALS = 500
Code = Annotated[str, Field(min_length=1, max_length=200, description="Actor code (or a name not in the dictionary)")]
_SKIP_EXAMPLE = {"doc_id": "a1", "sentence": 1, "source": "IRN", "target": "ISR"}
_LABEL_OUT_EXAMPLE = {
    "status": "replaced",
    "doc_id": "text-3f2a9c0d1e5b7a64",
    "file": "labels.jsonl",
    "texts": "labels_texts/texts.jsonl",
}
_STATUS_EXAMPLE = {
    "configured": True,
    "file": "labels.jsonl",
    "labels": 12,
    "articles": True,
    "message": None,
    "guideline": "What the labels mean: ...",
}
_PROPOSAL_EXAMPLE = {
    "doc_id": "a1",
    "title": "Loans and sabotage",
    "date": "2022-09-13",
    "sentence": 1,
    "text": "Iran accused Israel of sabotage.",
    "source": "IRN",
    "target": "ISR",
    "source_name": "Iran",
    "target_name": "Israel",
    "source_spans": [[0, 4]],
    "target_spans": [[13, 19]],
    "guess": "oppose",
    "probabilities": {"support": 0.2, "oppose": 0.5, "neutral": 0.3},
}
_NEXT_EXAMPLE = {"proposals": [_PROPOSAL_EXAMPLE], "remaining": 40}
_lock = threading.Lock()
_cache: dict[tuple, list] = {}


class LabelIn(BaseModel):
    """One label: the stance of ``source`` toward ``target`` in sentence ``sentence``."""

    model_config = {"json_schema_extra": {"examples": [
        {"text": "China condemned Russia.", "sentence": 0, "source": "CHN", "target": "RUS", "label": "oppose"}]}}

    label: Literal["support", "oppose", "neutral"]
    sentence: int = Field(ge=0, le=100_000, description="0-based sentence index (the `sentence_index` of evidence)")
    source: Code
    target: Code
    doc_id: str | None = Field(None, min_length=1, max_length=300,
                               description="An article of GEOSTANCE_LABEL_ARTICLES; omit it with `text`")
    text: Text | None = None
    date: Date = None


class SkipIn(BaseModel):
    """A proposal skipped in the *Next* view: not proposed again."""

    model_config = {"json_schema_extra": {"examples": [_SKIP_EXAMPLE]}}

    doc_id: str = Field(min_length=1, max_length=300)
    sentence: int = Field(ge=0, le=100_000)
    source: Code
    target: Code


class LabelOut(BaseModel):
    """What the label did: ``new``, ``replaced`` (an earlier label of the pair) or ``unchanged``."""

    model_config = {"json_schema_extra": {"examples": [_LABEL_OUT_EXAMPLE]}}

    status: Literal["new", "replaced", "unchanged", "skipped"]
    doc_id: str
    file: str = Field(description="The annotation file's name")
    texts: str | None = Field(None, description="The article file a pasted text was kept in (its name)")


class LabelStatus(BaseModel):
    """Whether labelling is on, where labels go, and the label guideline."""

    model_config = {"json_schema_extra": {"examples": [_STATUS_EXAMPLE]}}

    configured: bool
    file: str | None = None
    labels: int = 0
    articles: bool = Field(False, description="Whether GEOSTANCE_LABEL_ARTICLES is set (the Next view)")
    message: str | None = None
    guideline: str = GUIDELINE


class ProposalOut(BaseModel):
    """A directed pair in one sentence to label, with the model's guess."""

    model_config = {"json_schema_extra": {"examples": [_PROPOSAL_EXAMPLE]}}

    doc_id: str
    title: str
    date: str
    sentence: int
    text: str
    source: str
    target: str
    source_name: str
    target_name: str
    source_spans: list[list[int]]
    target_spans: list[list[int]]
    guess: str
    probabilities: dict[str, float]


class NextOut(BaseModel):
    """The next proposals, most informative first."""

    model_config = {"json_schema_extra": {"examples": [_NEXT_EXAMPLE]}}

    proposals: list[ProposalOut]
    remaining: int = Field(description="Proposals not yet labelled or skipped (of at most 500 scored)")


_ERRORS = {401: {"model": ErrorOut, "description": "Missing or wrong X-API-Key (when a key is configured)"},
           409: {"model": ErrorOut, "description": "No annotation file (or article folder) is configured"},
           422: {"model": ValidationErrorOut, "description": "Invalid request"}}
router = APIRouter(tags=["labels"])


def _file(request: Request) -> Path:
    path = getattr(request.app.state.settings, "annotation_file", None)
    if path is None:
        raise HTTPException(409, NOT_CONFIGURED)
    return Path(path)


def _resolver(request: Request):
    dictionary = request.app.state.dictionary

    def resolve(name: str) -> str:
        actor = dictionary.resolve(name) if dictionary is not None else None
        return actor.code if actor else name

    return resolve


def _texts_file(path: Path) -> Path:
    return path.parent / f"{path.stem}_texts" / "texts.jsonl"


def _keep_text(path: Path, doc_id: str, text: str, date) -> Path:
    """Append the pasted text as an article once (locked with the annotation file, fsynced)."""
    texts = _texts_file(path)
    texts.parent.mkdir(parents=True, exist_ok=True)
    with annofile.locked(path):
        if not any(json.loads(line).get("id") == doc_id for line in annofile.read_lines(texts) if line.strip()):
            row = {"id": doc_id, "date": date.isoformat() if date else None, "text": text}
            annofile.append_line(texts, json.dumps(row, ensure_ascii=False) + "\n")
    return texts


@router.get("/v1/labels", response_model=LabelStatus, responses=_ERRORS)
def status(request: Request) -> LabelStatus:
    """Whether labels can be written from the page, to which file, and the label guideline."""
    settings = request.app.state.settings
    if settings.annotation_file is None:
        return LabelStatus(configured=False, message=NOT_CONFIGURED)
    path = Path(settings.annotation_file)
    n = sum(1 for line in annofile.read_lines(path) if '"label"' in line)
    return LabelStatus(configured=True, file=path.name, labels=n, articles=settings.label_articles is not None)


@router.post("/v1/labels", response_model=LabelOut, responses=_ERRORS)
def label(body: LabelIn, request: Request) -> LabelOut:
    """Write one label to the annotation file (a correction replaces the pair's earlier label)."""
    path = _file(request)
    if (body.doc_id is None) == (body.text is None):
        raise HTTPException(422, "give either doc_id (an article of GEOSTANCE_LABEL_ARTICLES) or text")
    texts = None
    doc_id = body.doc_id
    if body.text is not None:
        limit = request.app.state.settings.max_text_chars
        if len(body.text) > limit:
            raise HTTPException(413, f"text is {len(body.text)} characters long; the limit is {limit} characters")
        dictionary = request.app.state.dictionary
        if dictionary is None:
            raise HTTPException(503, "the actor dictionary is not loaded")
        try:
            found = candidate_examples(prepare(body.text, dictionary, date=body.date))
        except LimitExceeded as exc:
            raise HTTPException(413, str(exc)) from None
        resolve = _resolver(request)
        if not any((e["sentence_index"], e["source"], e["target"]) ==
                   (body.sentence, resolve(body.source), resolve(body.target)) for e in found):
            raise HTTPException(422, f"the pair {body.source[:50]} -> {body.target[:50]} does not share sentence "
                                     f"{body.sentence} of this text as acting actors")
        doc_id = "text-" + hashlib.sha256(body.text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        texts = _keep_text(path, doc_id, body.text, body.date)
    row = annofile.annotation_row(doc_id, body.source, body.target, body.label, body.sentence)
    result = annofile.label_row(path, row, resolve=_resolver(request))
    return LabelOut(status=result, doc_id=doc_id, file=path.name,
                    texts=f"{texts.parent.name}/{texts.name}" if texts else None)


@router.post("/v1/labels/skip", response_model=LabelOut, responses=_ERRORS)
def skip(body: SkipIn, request: Request) -> LabelOut:
    """Skip a proposal of the *Next* view: it is not proposed again (kept in ``<file>.skipped``)."""
    path = _file(request)
    skips.add_skip(path, annofile.annotation_row(body.doc_id, body.source, body.target, "", body.sentence))
    return LabelOut(status="skipped", doc_id=body.doc_id, file=path.name)


def _proposals(request: Request, done: set, *, fresh: bool = False) -> list:
    """The proposals of the configured articles, scored once per model and folder state (again with ``fresh``,
    leaving out the pairs ``done``, as a new ``training.annotate`` run does)."""
    settings, predictor = request.app.state.settings, request.app.state.predictor
    folder = settings.label_articles
    if folder is None:
        raise HTTPException(409, "no article folder is configured: start the service with GEOSTANCE_LABEL_ARTICLES "
                                 "set to the articles to label (any format training.fit --articles reads)")
    if predictor is None:
        raise HTTPException(503, "the model is not loaded")
    folder = Path(folder)
    try:
        stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns)
                 for p in ([folder] if folder.is_file() else sorted(folder.rglob("*")))]
    except OSError:
        raise HTTPException(409, f"the article folder {folder.name} cannot be read") from None
    key = (str(folder), predictor.model.metadata.get("sha256"), hashlib.sha256(repr(stamp).encode()).hexdigest())
    with _lock:
        if fresh or key not in _cache:
            try:
                articles = read_articles(folder)
            except DataError as exc:
                raise HTTPException(409, str(exc).replace(str(folder), folder.name)) from None
            _cache.clear()
            _cache[key] = propose(articles, predictor.model, predictor.dictionary, n=MAX_PROPOSALS, skip=done)
        return _cache[key]


@router.get("/v1/labels/next", response_model=NextOut, responses=_ERRORS)
def next_proposals(request: Request, n: Annotated[int, Query(ge=1, le=50)] = 10) -> NextOut:
    """The next proposals of ``training.annotate``'s selection over GEOSTANCE_LABEL_ARTICLES that are neither
    labelled nor skipped, most informative first."""
    path = _file(request)
    resolve = _resolver(request)
    try:
        done = annofile.annotated_keys(path, resolve) | skips.skipped_keys(path, resolve)
    except DataError as exc:
        raise HTTPException(409, str(exc).replace(str(path.parent) + "/", "")) from None
    scored = _proposals(request, done)
    left = [p for p in scored if (p.doc_id, p.sentence, p.source, p.target) not in done]
    if scored and not left:  # every proposal answered: the next run of the selection
        left = _proposals(request, done, fresh=True)
    return NextOut(remaining=len(left), proposals=[ProposalOut(
        doc_id=p.doc_id, title=p.title, date=p.date, sentence=p.sentence, text=p.text, source=p.source,
        target=p.target, source_name=p.source_name, target_name=p.target_name,
        source_spans=[list(s) for s in p.source_spans], target_spans=[list(s) for s in p.target_spans],
        guess=p.guess, probabilities=p.probabilities) for p in left[:n]])
