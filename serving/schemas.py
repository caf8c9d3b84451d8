"""Request and response models of the HTTP service.

Every offset in a response refers to the *cleaned* text (HTML tags removed, entities decoded, quotes and
dashes made plain one character for one). Without HTML tags or entities the cleaned text has the length of
the submitted text, so the offsets index the submitted text too.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_serializer
from pydantic_core import PydanticCustomError

from training.articles import LABELS
from training.explain import MAX_TOP
from training.features import VIEWS
from training.predict import REASONS

CLEANED = ("Offsets refer to the cleaned text (HTML tags removed, entities decoded); "
           "for text without HTML they equal offsets into the submitted text.")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_SURROGATE = re.compile("[\ud800-\udfff]")
NOT_BLANK = r"\S"  # the schema's pattern for text and names: at least one character that is not white space
Label = Literal[LABELS]  # type: ignore[valid-type]
Reason = Literal[REASONS]  # type: ignore[valid-type]


def _no_surrogates(value: str, what: str) -> None:
    if not value.isascii() and _SURROGATE.search(value):
        raise PydanticCustomError("surrogate", f"{what} holds a lone surrogate (U+D800-U+DFFF), which is not a "
                                               "character; send valid Unicode")


def _text(value: str) -> str:
    if not re.search(NOT_BLANK, value):
        raise PydanticCustomError("blank_text", "text is empty or blank")
    _no_surrogates(value, "text")
    return value


def _name(value: str) -> str:
    if not re.search(NOT_BLANK, value):
        raise PydanticCustomError("blank_name", "actor name is empty or blank")
    _no_surrogates(value, "actor name")
    return value.strip()


# The schema states what the validators enforce (min length, max length, pattern); the validators give the
# messages. GEOSTANCE_MAX_TEXT_CHARS is added to the schema as maxLength by serving.app.
Text = Annotated[str, AfterValidator(_text), Field(
    json_schema_extra={"minLength": 1, "pattern": NOT_BLANK},
    description="Article or sentence in English; HTML is cleaned. Not blank, no lone surrogates. At most "
                "GEOSTANCE_MAX_TEXT_CHARS characters (default 100000): longer texts get 413.")]
ActorName = Annotated[str, Field(max_length=200), AfterValidator(_name), Field(
    json_schema_extra={"minLength": 1, "pattern": NOT_BLANK},
    description="A code (CHN, EU), CAMEO code, name, demonym, capital or leader; trimmed, any case; not blank, "
                "at most 200 characters. A name not in the dictionary is matched literally.")]


def _iso_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "date must be a date written YYYY-MM-DD")
    return value


Date = Annotated[dt.date | None, BeforeValidator(_iso_date), Field(
    json_schema_extra={"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    description="The text's date, YYYY-MM-DD; decides which leaders speak for their state (today if omitted).")]
Explain = Annotated[bool, Field(
    description="Also return, for each evidence sentence, the features that pushed it toward the pair's stance "
                "and against it, with their weights and the words they come from (`evidence[].explanation`).")]


def _examples(*examples: dict) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


# -- requests -----------------------------------------------------------------------------------------
class StanceRequest(BaseModel):
    """The stance of ``source`` toward ``target`` in ``text``."""

    model_config = _examples({"text": "China reaffirmed its support for Russia on Monday.",
                              "source": "China", "target": "Russia", "date": "2022-09-13"})
    text: Text
    source: ActorName
    target: ActorName
    date: Date = None
    explain: Explain = False


class DyadsRequest(BaseModel):
    """Every directed pair of dictionary actors sharing a sentence of ``text``."""

    model_config = _examples({"text": "Kenya welcomed Ethiopia's offer. Russia criticised the EU.",
                              "date": "2022-09-13", "actors": ["Kenya", "Ethiopia"]})
    text: Text
    date: Date = None
    actors: list[ActorName] | None = Field(
        None, max_length=100, description="Keep only pairs among these actors (codes or names); all when omitted.")
    explain: Explain = False


class BatchRequest(BaseModel):
    """Several stance requests, answered in order."""

    model_config = _examples({"items": [
        {"text": "China reaffirmed its support for Russia.", "source": "China", "target": "Russia"},
        {"text": "Kenya welcomed Ethiopia's offer.", "source": "Kenya", "target": "Ethiopia",
         "date": "2021-05-02"}]})
    items: list[StanceRequest] = Field(
        min_length=1, description="At most GEOSTANCE_MAX_BATCH items (default 256); more get 422.")


# -- responses ----------------------------------------------------------------------------------------
class Probabilities(BaseModel):
    """Probabilities of the three labels; they sum to 1."""

    model_config = _examples({"support": 0.81, "oppose": 0.04, "neutral": 0.15})
    support: float
    oppose: float
    neutral: float


class MentionOut(BaseModel):
    """Where an actor occurs. ``text`` is ``cleaned[start:end]``."""

    model_config = _examples({"text": "Beijing", "start": 0, "end": 7, "via": "metonym"})
    text: str
    start: int = Field(description="Start offset. " + CLEANED)
    end: int = Field(description="End offset (exclusive). " + CLEANED)
    via: str = Field(description="How it was matched: name, demonym, metonym, leader or literal.")
    role: str = Field("actor", description="`actor` when the mention is the actor acting; otherwise why it is "
                                           "not one of a dyad: `location` (a venue or address), `name_part` "
                                           "(inside a name), `sports` (a national team) or `nationality` "
                                           "(a person's).")


class ActorOut(BaseModel):
    """A requested actor as resolved and found in the text."""

    model_config = _examples({"query": "China", "code": "CHN", "name": "China", "kind": "state",
                              "mentions": [{"text": "China", "start": 0, "end": 5, "via": "name"}]})
    query: str = Field(description="The name asked for, trimmed.")
    code: str = Field(description="Dictionary code, or the literal name when not in the dictionary.")
    name: str
    kind: Literal["state", "bloc", "group", "literal"]
    mentions: list[MentionOut] = Field(description="Empty when the actor is not found. " + CLEANED)


View = Literal[VIEWS]  # type: ignore[valid-type]


class ContributionOut(BaseModel):
    """One feature's push on a sentence's log-odds of the pair's stance against the runner-up label."""

    model_config = _examples({"view": "relation", "feature": "fw:condemn", "value": 0.41, "weight": 1.23,
                              "spans": [[6, 15]]})
    view: View = Field(description="The model's view the feature belongs to: " + ", ".join(VIEWS) + ".")
    feature: str = Field(description="The n-gram as the model reads it: actors masked as xsrcx/xtgtx/xothx, "
                                     "words stemmed and tagged in the between, relation and near views.")
    value: float = Field(description="Its TF-IDF value in the sentence.")
    weight: float = Field(description="value x (coefficient of `label` - coefficient of `versus`); positive "
                                      "pushes toward `label`.")
    spans: list[tuple[int, int]] = Field(description="[start, end] offsets **into the evidence sentence** "
                                                     "(`evidence.text`) of the words it comes from; empty when "
                                                     "it has none (a flag such as `_passive`).")


class ExplanationOut(BaseModel):
    """Why an evidence sentence leans toward the pair's stance (`label`) rather than the runner-up
    (`versus`): `intercept` plus the weights of all the sentence's features equals `logit`,
    log(p_label / p_versus) of the sentence."""

    model_config = _examples({"label": "oppose", "versus": "neutral", "logit": 4.65, "intercept": -0.36,
                              "toward": [ContributionOut.model_config["json_schema_extra"]["examples"][0]],
                              "against": [], "n_features": 22})
    label: Label
    versus: Label
    logit: float = Field(description="log(p_label / p_versus) of this sentence.")
    intercept: float = Field(description="The classifier's intercept for label minus that for versus.")
    toward: list[ContributionOut] = Field(max_length=MAX_TOP, description="Strongest pushes toward `label` first.")
    against: list[ContributionOut] = Field(max_length=MAX_TOP,
                                           description="Strongest pushes toward `versus` first (negative weights).")
    n_features: int = Field(description="Non-zero features of the sentence (all count in `logit`).")


class EventOut(BaseModel):
    """The event a sentence reports between the pair: a CAMEO code, or a predicted quad class."""

    model_config = _examples({"cameo_code": "111", "cameo_root": "11", "quad_class": 3, "quad_source": "dictionary",
                              "quad_probability": None, "goldstein": -2.0, "event_text": "condemned",
                              "event_start": 6, "event_end": 15})
    cameo_code: str | None = Field(description="CAMEO event code of the verb phrase that links the pair (GDELT "
                                               "`EventCode`); null when the quad class is predicted.")
    cameo_root: str | None = Field(description="Its root, 01-20 (GDELT `EventRootCode`).")
    quad_class: int = Field(ge=1, le=4, description="1 verbal cooperation, 2 material cooperation, 3 verbal "
                                                    "conflict, 4 material conflict (GDELT `QuadClass`).")
    quad_source: Literal["dictionary", "model"] = Field(
        description="`dictionary`: from the CAMEO code; `model`: predicted from the sentence and its stance.")
    quad_probability: float | None = Field(description="With `model`: the probability of `quad_class` given an "
                                                       "event between the pair.")
    goldstein: float | None = Field(description="Goldstein (1992) score of the code, -10..10 (GDELT "
                                                "`GoldsteinScale`); null when predicted.")
    event_text: str | None = Field(description="The matched words as written, determiners left out.")
    event_start: int | None = Field(description="Start offset of the phrase in the evidence sentence.")
    event_end: int | None = Field(description="End offset of the phrase in the evidence sentence (exclusive).")


class EvidenceOut(BaseModel):
    """A sentence in which both actors occur, with its own stance and event."""

    model_config = _examples({"sentence_index": 0, "text": "China reaffirmed its support for Russia.",
                              "start": 0, "end": 40, "stance": "support",
                              "probabilities": {"support": 0.81, "oppose": 0.04, "neutral": 0.15},
                              "event": {"cameo_code": None, "cameo_root": None, "quad_class": 1,
                                        "quad_source": "model", "quad_probability": 0.83, "goldstein": None,
                                        "event_text": None, "event_start": None, "event_end": None}})
    sentence_index: int = Field(description="0-based index of the sentence in the cleaned text.")
    text: str = Field(description="The sentence as it stands in the cleaned text (curly quotes and dashes made "
                                  "plain, so it may differ from the submitted text in those characters).")
    start: int = Field(description="Start offset of the sentence. " + CLEANED)
    end: int = Field(description="End offset of the sentence (exclusive). " + CLEANED)
    stance: Label
    probabilities: Probabilities
    event: EventOut | None = Field(None, description="The event the sentence reports between the pair (CAMEO "
                                                     "code from the dictionary, or a predicted quad class for a "
                                                     "support/oppose sentence); null for a neutral sentence the "
                                                     "dictionary does not code.")
    explanation: ExplanationOut | None = Field(None, description="Only when the request asked `explain: true`.")

    @model_serializer(mode="wrap")
    def _omit_unasked_explanation(self, handler):
        data = handler(self)
        if isinstance(data, dict) and data.get("explanation") is None:
            data.pop("explanation", None)
        return data


class PairStanceOut(BaseModel):
    """The stance of ``source`` toward ``target``: the mean of its sentences' probabilities."""

    model_config = _examples({
        "source": ActorOut.model_config["json_schema_extra"]["examples"][0],
        "target": {"query": "Russia", "code": "RUS", "name": "Russia", "kind": "state",
                   "mentions": [{"text": "Russia", "start": 33, "end": 39, "via": "name"}]},
        "stance": "support", "probabilities": {"support": 0.81, "oppose": 0.04, "neutral": 0.15},
        "evidence": [EvidenceOut.model_config["json_schema_extra"]["examples"][0]], "reason": None})
    source: ActorOut
    target: ActorOut
    stance: Label | None = Field(description="null when there is nothing to judge; `reason` then says why.")
    probabilities: Probabilities | None
    evidence: list[EvidenceOut] = Field(
        description="Sentences both actors share, strongest first (most probable for the pair's stance).")
    reason: Reason | None = Field(description="Why `stance` is null: " + ", ".join(REASONS) + ".")
    language: str | None = Field(None, description="The detected language (ISO 639-1, e.g. `fr`) when `reason` is "
                                                   "`unsupported_language`: the model reads English only.")


class DyadsOut(BaseModel):
    """Every directed pair, in order of first co-occurrence."""

    model_config = _examples({"dyads": [PairStanceOut.model_config["json_schema_extra"]["examples"][0]],
                              "reason": None, "language": None})
    dyads: list[PairStanceOut]
    reason: Literal["unsupported_language"] | None = Field(
        None, description="`unsupported_language` when the text is not English: no pair is scored (each listed "
                          "pair has `stance: null` with the same reason), even when no pair is found.")
    language: str | None = Field(None, description="The detected language when `reason` is set.")


class BatchOut(BaseModel):
    """One result per item, in the order of the request."""

    model_config = _examples({"results": [PairStanceOut.model_config["json_schema_extra"]["examples"][0]]})
    results: list[PairStanceOut]


class ActorInfo(BaseModel):
    """A dictionary actor."""

    model_config = _examples({"code": "CHN", "name": "China", "kind": "state",
                              "source": "names: pycountry (ISO 3166-1), country_converter country_data.tsv"})
    code: str
    name: str
    kind: Literal["state", "bloc", "group"]
    source: str = Field(description="Where the entry's facts come from.")


class ModelInfo(BaseModel):
    """The loaded model's metadata (its .json file, without the list of held-out article ids)."""

    model_config = ConfigDict(extra="allow", protected_namespaces=(), json_schema_extra={"examples": [{
        "versions": {"python": "3.11.7", "scikit-learn": "1.9.1", "numpy": "2.4.6", "datasets": "5.2.0"},
        "labels": ["support", "oppose", "neutral"],
        "data": {"n_examples": 12081, "label_counts": {"support": 1522, "oppose": 2740, "neutral": 7819}},
        "metrics": {"heldout": {"macro_f1": 0.63, "accuracy": 0.74}},
        "config": {"C": 4.0, "class_weight": "balanced", "calibration": "none"},
        "created": "2026-01-01T12:00:00+00:00", "sha256": "a051619a5489...", "seed": 13,
        "aggregation": "mean of sentence probabilities over the sentences both actors share"}]})
    versions: dict[str, Any] = Field(default_factory=dict)
    labels: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict, description="Training data summary (counts).")
    metrics: dict[str, Any] = Field(default_factory=dict, description="Held-out metrics and baseline.")
    config: dict[str, Any] = Field(default_factory=dict)
    created: str = ""
    sha256: str = Field("", description="sha256 of the model file (model.skops).")


class Health(BaseModel):
    """Whether the model is loaded."""

    model_config = ConfigDict(protected_namespaces=(), json_schema_extra={"examples": [
        {"status": "ok", "model_sha256": "a051619a5489...", "model_created": "2026-01-01T12:00:00+00:00",
         "labels": ["support", "oppose", "neutral"]},
        {"status": "unavailable", "reason": "the model does not exist; train one with `python -m training.fit`"},
        {"status": "ok"}]})
    status: Literal["ok", "unavailable"]
    model_sha256: str | None = None
    model_created: str | None = None
    labels: list[str] | None = None
    reason: str | None = Field(None, description="Why the model is unavailable (the load error, without paths or "
                                                 "hashes).")


class ErrorOut(BaseModel):
    """An error; never echoes the submitted text."""

    model_config = _examples({"detail": "no actor named 'Atlantis' in the dictionary"})
    detail: str
    reason: str | None = Field(None, description="For 503: why the model is unavailable, the time budget is "
                                                 "spent, or the service is busy.")
    limit: str | None = Field(None, description="For 413 on a cap: its name (max_mentions_per_sentence, "
                                                "max_pairs_per_sentence, max_dyads).")
    value: int | None = Field(None, description="For 413 on a cap: the cap.")
    request_id: str | None = Field(None, description="For 500: quote it when reporting the error.")


class FieldError(BaseModel):
    """One invalid field. The submitted value is never echoed."""

    model_config = _examples({"type": "blank_text", "loc": ["body", "text"], "msg": "text is empty or blank"})
    type: str
    loc: list[str | int] = Field(description="Where: e.g. ['body', 'items', 3, 'text'].")
    msg: str


class ValidationErrorOut(BaseModel):
    """The request is invalid."""

    model_config = _examples({"detail": [FieldError.model_config["json_schema_extra"]["examples"][0]]})
    detail: list[FieldError]
