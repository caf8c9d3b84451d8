"""The web page (``/ui``), its text endpoint, and the API docs served with no network.

- ``GET /`` redirects to ``/ui``, the page (``serving/static/``: plain HTML, CSS and JavaScript; nothing is
  loaded from elsewhere). The page calls ``POST /v1/read`` (the cleaned text, its sentences and every actor
  mention with its role) and ``POST /v1/dyads`` with ``explain: true``; its archive view calls the
  ``/v1/archive`` routes (:mod:`serving.archive`).
- ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) use the assets shipped in the ``fastapi-offline`` package,
  served from ``/docs/assets``; FastAPI's own pages would load them from a CDN.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from serving.errors import ModelUnavailable, invalid
from serving.guard import PAGE_CSP, run_bounded
from serving.schemas import CLEANED, Date, ErrorOut, Text, ValidationErrorOut
from training.document import prepare
from training.text import has_words

__all__ = ["install_ui", "STATIC_DIR", "DOCS_ASSETS"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
DOCS_ASSETS = "/docs/assets"


def _docs_dir() -> Path:
    """The Swagger UI and ReDoc files of the ``fastapi-offline`` package."""
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


# -- /v1/read ----------------------------------------------------------------------------------------------
class ReadRequest(BaseModel):
    """A text to read: its sentences and actor mentions."""

    model_config = {"json_schema_extra": {"examples": [{"text": "Beijing backed Moscow in Uzbekistan.",
                                                        "date": "2022-09-13"}]}}
    text: Text
    date: Date = None


class SentenceOut(BaseModel):
    """A sentence of the cleaned text; ``index`` is the ``sentence_index`` of evidence."""

    model_config = {"json_schema_extra": {"examples": [{"index": 0, "start": 0, "end": 22}]}}

    index: int
    start: int = Field(description="Start offset. " + CLEANED)
    end: int = Field(description="End offset (exclusive). " + CLEANED)


class ReadMentionOut(BaseModel):
    """An actor mention with the actor it stands for and its role."""

    model_config = {"json_schema_extra": {"examples": [
        {"code": "CHN",
         "name": "China",
         "kind": "state",
         "text": "Beijing",
         "start": 0,
         "end": 7,
         "via": "metonym",
         "role": "actor"}]}}

    code: str
    name: str
    kind: str
    text: str
    start: int = Field(description="Start offset. " + CLEANED)
    end: int = Field(description="End offset (exclusive). " + CLEANED)
    via: str = Field(description="How it was matched: name, demonym, metonym, leader ...")
    role: str = Field("actor", description="`actor` when the actor acts; otherwise why it is not one of a "
                                           "dyad (e.g. `location`, `name_part`).")


class ReadOut(BaseModel):
    """The cleaned text (every offset refers to it), its sentences and its dictionary actor mentions."""

    model_config = {"json_schema_extra": {"examples": [
        {"text": "Beijing backed Moscow.",
         "sentences": [{"index": 0, "start": 0, "end": 22}],
         "mentions": [{"code": "CHN",
                       "name": "China",
                       "kind": "state",
                       "text": "Beijing",
                       "start": 0,
                       "end": 7,
                       "via": "metonym",
                       "role": "actor"}]}]}}

    text: str
    sentences: list[SentenceOut]
    mentions: list[ReadMentionOut]


_READ_ERRORS = {413: {"model": ErrorOut, "description": "Text longer than GEOSTANCE_MAX_TEXT_CHARS"},
                422: {"model": ValidationErrorOut, "description": "Invalid request"},
                503: {"model": ErrorOut, "description": "The actor dictionary is unavailable"}}

api = APIRouter()


@api.post("/v1/read", response_model=ReadOut, responses=_READ_ERRORS, tags=["text"])
async def read(body: ReadRequest, request: Request) -> ReadOut:
    """The cleaned text, its sentences and every dictionary actor mention with its role (what the page draws)."""
    limit = request.app.state.settings.max_text_chars
    if len(body.text) > limit:
        raise HTTPException(413, f"text is {len(body.text)} characters long; the limit is {limit} characters "
                                 "(GEOSTANCE_MAX_TEXT_CHARS)")
    dictionary = getattr(request.app.state, "dictionary", None)
    if dictionary is None:
        raise ModelUnavailable(getattr(request.app.state, "unavailable", None) or "the dictionary is not loaded")
    doc = await run_bounded(request, lambda budget: prepare(body.text, dictionary, date=body.date),
                            chars=len(body.text))
    if not has_words(doc.text):
        raise invalid(("body", "text"), "text has no words to read (it is empty, blank, or only digits and "
                                        "punctuation)", "no_words")
    actors = dictionary.actors
    return ReadOut(
        text=doc.text,
        sentences=[SentenceOut(index=i, start=s.start, end=s.end) for i, s in enumerate(doc.sentences)],
        mentions=[ReadMentionOut(code=m.code, name=actors[m.code].name if m.code in actors else m.code,
                                 kind=actors[m.code].kind if m.code in actors else "literal", text=m.text,
                                 start=m.start, end=m.end, via=m.via, role=getattr(m, "role", "actor"))
                  for m in doc.mentions])


# -- the page and the docs ---------------------------------------------------------------------------------
page = APIRouter(include_in_schema=False)


@page.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/ui", status_code=307)


@page.get("/ui")
async def ui() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html",
                        headers={"Cache-Control": "no-cache", "Content-Security-Policy": PAGE_CSP})


def _docs_routes(app: FastAPI) -> APIRouter:
    docs = APIRouter(include_in_schema=False)
    oauth = "/docs/oauth2-redirect"

    @docs.get("/docs")
    async def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI",
                                   swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
                                   oauth2_redirect_url=oauth, swagger_ui_parameters=app.swagger_ui_parameters)

    @docs.get(oauth)
    async def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @docs.get("/redoc")
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - ReDoc",
                              redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
                              redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png", with_google_fonts=False)

    return docs


def install_ui(app: FastAPI, *, dependencies: Sequence = ()) -> None:
    """Add the page, its endpoints, the archive endpoints and the offline docs to ``app``.

    Parameters
    ----------
    app : FastAPI
        Built with ``docs_url=None, redoc_url=None`` (this adds its own ``/docs`` and ``/redoc``).
    dependencies : sequence, optional
        Dependencies of the JSON endpoints (the API key check); the page, its assets and the docs need none.
    """
    from serving.archive import install_archive_errors
    from serving.archive import router as archive

    install_archive_errors(app)
    app.include_router(page)
    app.include_router(_docs_routes(app))
    app.include_router(api, dependencies=list(dependencies))
    app.include_router(archive, dependencies=list(dependencies))
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="ui-static")
    app.mount(DOCS_ASSETS, StaticFiles(directory=_docs_dir()), name="docs-assets")
