"""The HTTP service: ``uvicorn serving.app:app``.

A thin layer over :class:`training.predict.StancePredictor`: the model and the actor dictionary are loaded
once, in the lifespan, and handed to the routes by dependencies; the routes only translate requests into
library calls and results into responses. Settings come from ``GEOSTANCE_*`` environment variables
(:mod:`serving.settings`). A model that cannot be loaded does not stop the service: ``/health`` and the
prediction routes then answer 503 with the reason (without paths or hashes).

Prediction work is bounded (:mod:`serving.guard`): it runs in worker threads, a few at once, under the caps
of :class:`training.limits.Limits` and a time budget cancelled when the client disconnects, so the event
loop keeps answering ``/health`` and light requests whatever a heavy one costs. The API key, when set, is
checked by a pure ASGI middleware before the body is read.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Security
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from starlette.datastructures import Headers

from serving.convert import actor_info, model_info, pair_out
from serving.errors import ModelUnavailable, RequestIdMiddleware, install_error_handlers, invalid
from serving.guard import (
    ApiKeyMiddleware,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    StrictJSONRoute,
    Workers,
    key_ok,
    run_bounded,
)
from serving.schemas import (
    ActorInfo,
    BatchOut,
    BatchRequest,
    Date,
    DyadsOut,
    DyadsRequest,
    ErrorOut,
    Health,
    ModelInfo,
    PairStanceOut,
    StanceRequest,
    ValidationErrorOut,
)
from serving.settings import Settings
from serving.ui import install_ui
from training.actors import ActorDictionary, default_dictionary
from training.language import ENGLISH, warm_up
from training.model import ModelError, load_model
from training.predict import NoWordsError, StancePredictor

__all__ = ["app", "create_app"]

log = logging.getLogger("geostance.serving")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                               description="Required when the service runs with GEOSTANCE_API_KEY set.")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the actor dictionary and the model once; keep the load error instead of failing."""
    settings: Settings = app.state.settings
    app.state.dictionary, app.state.predictor, app.state.unavailable = None, None, None
    app.state.workers = Workers(settings.max_concurrent)
    try:
        warm_up()  # the language guard's model (about 1.5 s), so the first request does not wait for it
        app.state.dictionary = default_dictionary()
        app.state.predictor = StancePredictor(load_model(settings.model_path), app.state.dictionary)
        log.info("model %s loaded (sha256 %s)", settings.model_path,
                 app.state.predictor.model.metadata.get("sha256", "")[:12])
    except ModelError as exc:
        app.state.unavailable = exc.public
        log.error("model unavailable: %s", exc)
    except (FileNotFoundError, ValueError) as exc:  # the dictionary's errors
        app.state.unavailable = "the actor dictionary could not be loaded"
        log.error("actor dictionary unavailable: %s", exc)
    except Exception:  # whatever else goes wrong, the service starts and says it is unavailable
        app.state.unavailable = "the model could not be loaded (see the service log)"
        log.exception("model unavailable")
    try:
        yield
    finally:
        app.state.workers.close()


# -- dependencies -------------------------------------------------------------------------------------
def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_predictor(request: Request) -> StancePredictor:
    """The loaded predictor, or 503 with the reason it is not loaded."""
    predictor = getattr(request.app.state, "predictor", None)
    if predictor is None:
        raise ModelUnavailable(getattr(request.app.state, "unavailable", None) or "the model is not loaded")
    return predictor


async def get_dictionary(request: Request) -> ActorDictionary:
    dictionary = getattr(request.app.state, "dictionary", None)
    if dictionary is None:
        raise ModelUnavailable(getattr(request.app.state, "unavailable", None) or "the dictionary is not loaded")
    return dictionary


async def api_key_doc(key: Annotated[str | None, Security(_api_key_header)] = None) -> None:
    """Declares the key in the OpenAPI schema; :class:`serving.guard.ApiKeyMiddleware` checks it."""


Predictor = Annotated[StancePredictor, Depends(get_predictor)]
Config = Annotated[Settings, Depends(get_settings)]


def _check_length(text: str, settings: Settings, where: str) -> None:
    if len(text) > settings.max_text_chars:
        raise HTTPException(413, f"{where} is {len(text)} characters long; the limit is "
                                 f"{settings.max_text_chars} characters (GEOSTANCE_MAX_TEXT_CHARS)")


_ERRORS = {401: {"model": ErrorOut, "description": "Missing or wrong X-API-Key (when a key is configured)"},
           422: {"model": ValidationErrorOut, "description": "Invalid request (also: body not UTF-8, JSON nested too "
                                                            "deep, lone surrogates); the input is never echoed"},
           500: {"model": ErrorOut, "description": "Unexpected error, with a request id"},
           503: {"model": ErrorOut, "description": "The model is unavailable; `reason` says why"}}
_PREDICT_ERRORS = {**_ERRORS,
                   413: {"model": ErrorOut, "description": "Body larger than GEOSTANCE_MAX_BODY_BYTES, text longer "
                         "than "
                         "GEOSTANCE_MAX_TEXT_CHARS, or a cap exceeded (`limit` and `value` name it: "
                         "GEOSTANCE_MAX_MENTIONS_PER_SENTENCE, GEOSTANCE_MAX_PAIRS_PER_SENTENCE, GEOSTANCE_MAX_DYADS)"},
                   503: {"model": ErrorOut, "description": "The model is unavailable, the time budget "
                         "(GEOSTANCE_REQUEST_TIMEOUT_S) is spent, or every prediction slot is busy; `reason` says "
                         "which"}}

router = APIRouter(route_class=StrictJSONRoute)


# -- routes ----------------------------------------------------------------------------------------------
@router.post("/v1/stance", response_model=PairStanceOut, responses=_PREDICT_ERRORS, tags=["stance"])
async def stance(body: StanceRequest, request: Request, predictor: Predictor, settings: Config) -> PairStanceOut:
    """The stance of `source` toward `target` in `text`, with the sentences it rests on."""
    _check_length(body.text, settings, "text")
    limits = settings.limits

    def work(budget):
        return pair_out(predictor.stance(body.text, body.source, body.target, date=body.date, limits=limits,
                                         budget=budget, explain=body.explain))

    try:
        return await run_bounded(request, work, chars=len(body.text))
    except NoWordsError as exc:
        raise invalid(("body", "text"), str(exc), "no_words") from None


@router.post("/v1/dyads", response_model=DyadsOut, responses=_PREDICT_ERRORS, tags=["stance"])
async def dyads(body: DyadsRequest, request: Request, predictor: Predictor, settings: Config) -> DyadsOut:
    """Every directed pair of dictionary actors that share a sentence, with its stance."""
    _check_length(body.text, settings, "text")
    limits = settings.limits

    def work(budget):
        results = predictor.dyads(body.text, date=body.date, actors=body.actors, limits=limits, budget=budget,
                                  explain=body.explain)
        language = results[0].language if results else predictor.language(body.text).code
        if language is None or language == ENGLISH:
            return DyadsOut(dyads=[pair_out(r) for r in results])
        return DyadsOut(dyads=[pair_out(r) for r in results], reason="unsupported_language", language=language)

    try:
        return await run_bounded(request, work, chars=len(body.text))
    except NoWordsError as exc:
        raise invalid(("body", "text"), str(exc), "no_words") from None


@router.post("/v1/stance/batch", response_model=BatchOut, responses=_PREDICT_ERRORS, tags=["stance"])
async def stance_batch(body: BatchRequest, request: Request, predictor: Predictor, settings: Config) -> BatchOut:
    """Several `/v1/stance` requests at once (at most GEOSTANCE_MAX_BATCH), answered in order; the caps hold per
    item, the time budget for the whole batch."""
    if len(body.items) > settings.max_batch:
        raise invalid(("body", "items"), f"a batch holds at most {settings.max_batch} items "
                      f"(GEOSTANCE_MAX_BATCH); this one has {len(body.items)}", "too_long")
    for i, item in enumerate(body.items):
        _check_length(item.text, settings, f"items[{i}].text")
    limits = settings.limits

    def work(budget):
        results = []
        for i, item in enumerate(body.items):
            try:
                results.append(pair_out(predictor.stance(item.text, item.source, item.target, date=item.date,
                                                         limits=limits, budget=budget, explain=item.explain)))
            except NoWordsError as exc:
                raise invalid(("body", "items", i, "text"), str(exc), "no_words") from None
        return BatchOut(results=results)

    return await run_bounded(request, work, chars=sum(len(item.text) for item in body.items))


@router.get("/v1/actors/resolve", response_model=ActorInfo,
            responses={**_ERRORS, 404: {"model": ErrorOut, "description": "No such actor"}}, tags=["actors"])
async def resolve_actor(
    dictionary: Annotated[ActorDictionary, Depends(get_dictionary)],
    name: Annotated[str, Query(min_length=1, max_length=1000, description="Code, name, demonym, capital "
                                                                          "or leader; trimmed, any case.")],
    date: Annotated[Date, Query(description="For leaders: the date they must be in office (YYYY-MM-DD).")] = None,
) -> ActorInfo:
    """The dictionary actor a name stands for."""
    query = name.strip()
    if not query:
        raise invalid(("query", "name"), "actor name is empty or blank", "blank_name")
    actor = dictionary.resolve(query, date=date)
    if actor is None:
        raise HTTPException(404, f"no actor named '{query[:100]}' in the dictionary")
    return actor_info(actor)


@router.get("/v1/model", response_model=ModelInfo, responses=_ERRORS, tags=["model"])
async def model(predictor: Predictor) -> ModelInfo:
    """The loaded model's metadata: versions, labels, data summary, held-out metrics, config, sha256."""
    return model_info(predictor.model.metadata)


async def health(request: Request) -> JSONResponse:
    """200 when the model is loaded, else 503. Never needs an API key; with a key configured, the details
    (sha256, created, labels, reason) are shown only to a request that sends it."""
    settings: Settings = request.app.state.settings
    details = settings.api_key is None or key_ok(Headers(scope=request.scope), settings.api_key.get_secret_value())
    predictor = getattr(request.app.state, "predictor", None)
    if predictor is None:
        body = {"status": "unavailable"}
        if details:
            body["reason"] = getattr(request.app.state, "unavailable", None) or "the model is not loaded"
        return JSONResponse(body, status_code=503)
    meta = predictor.model.metadata
    body = {"status": "ok"}
    if details:
        body.update(model_sha256=meta.get("sha256"), model_created=meta.get("created"), labels=meta.get("labels"))
    return JSONResponse(body)


def _openapi(app: FastAPI, settings: Settings):
    """The schema, with the limits set at start-up (text length, batch size) stated where they apply."""
    def openapi():
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            models = schema.get("components", {}).get("schemas", {})
            for name in ("StanceRequest", "DyadsRequest"):
                if "text" in models.get(name, {}).get("properties", {}):
                    models[name]["properties"]["text"]["maxLength"] = settings.max_text_chars
            if "items" in models.get("BatchRequest", {}).get("properties", {}):
                models["BatchRequest"]["properties"]["items"]["maxItems"] = settings.max_batch
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service.

    Parameters
    ----------
    settings : Settings, optional
        Read from the ``GEOSTANCE_*`` environment variables when omitted.
    """
    settings = settings or Settings()
    app = FastAPI(title="geostance", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Stance (support / oppose / neutral) of a state or bloc toward another in news "
                              "text. Offsets refer to the cleaned text (equal to the submitted text without HTML).")
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.api_key is not None:  # inside the request id, so a 401 carries one too
        app.add_middleware(ApiKeyMiddleware, key=settings.api_key.get_secret_value())
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every answer, a 401 or 413 too, gets them
    app.add_api_route("/health", health, methods=["GET"], response_model=Health, tags=["health"],
                      responses={503: {"model": Health, "description": "The model is unavailable"}})
    app.include_router(router, dependencies=[Security(api_key_doc)] if settings.api_key else [])
    app.openapi = _openapi(app, settings)
    install_ui(app, dependencies=[Security(api_key_doc)] if settings.api_key else [])  # /ui, /docs, /redoc
    return app


app = create_app()
