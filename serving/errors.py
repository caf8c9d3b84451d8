"""Request ids and error responses that never echo the submitted text.

- :class:`RequestIdMiddleware` gives every request an id (a UUID, or the caller's ``X-Request-ID`` when it
  is one), returns it in the ``X-Request-ID`` header, and turns an unexpected exception into
  ``500 {"detail": "internal error", "request_id": ...}``; the traceback goes to the log with that id.
- Validation errors keep only ``type``, ``loc`` and ``msg`` (pydantic's ``input`` and ``ctx`` would echo
  the request), with each part cut short and at most :data:`MAX_ERRORS` errors, so the body stays small
  whatever was sent.
- A cap of :class:`training.limits.Limits` exceeded answers 413 naming it (``limit``, ``value`` and the
  setting); a spent time budget or no free prediction slot answers 503 with a ``reason``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from serving.guard import Busy
from training.limits import BudgetExceeded, LimitExceeded
from training.predict import NoWordsError

__all__ = ["MAX_ERRORS", "ModelUnavailable", "RequestIdMiddleware", "install_error_handlers", "invalid"]

log = logging.getLogger("geostance.serving")
MAX_ERRORS = 20
_MAX_PART = 100
_MAX_MSG = 300


class ModelUnavailable(Exception):
    """The model (or actor dictionary) could not be loaded; ``reason`` is the load error."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invalid(loc: Sequence[str | int], msg: str, type_: str = "value_error") -> RequestValidationError:
    """A validation error for one field, answered like pydantic's (422)."""
    return RequestValidationError([{"type": type_, "loc": tuple(loc), "msg": msg}])


def _request_id(scope: Scope) -> str:
    given = Headers(scope=scope).get("x-request-id", "")
    try:
        return str(uuid.UUID(given)) if given and len(given) <= 64 else str(uuid.uuid4())
    except ValueError:
        return str(uuid.uuid4())


class RequestIdMiddleware:
    """Pure ASGI middleware: request id header and the catch-all 500."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error in %s %s [request_id=%s]", scope.get("method"), scope.get("path"), rid)
            if started:
                raise
            response = JSONResponse({"detail": "internal error", "request_id": rid}, status_code=500,
                                    headers={"X-Request-ID": rid})
            await response(scope, receive, send)


def _short(part):
    if isinstance(part, int):
        return part
    text = str(part)
    return text if len(text) <= _MAX_PART else text[:_MAX_PART] + "..."


def clean_errors(errors: Sequence[dict]) -> list[dict]:
    """``type``, ``loc`` and ``msg`` of at most :data:`MAX_ERRORS` errors, each part cut short."""
    out = []
    for e in list(errors)[:MAX_ERRORS]:
        msg = str(e.get("msg", "invalid value"))
        out.append({"type": _short(e.get("type", "value_error")), "loc": [_short(p) for p in e.get("loc", ())],
                    "msg": msg if len(msg) <= _MAX_MSG else msg[:_MAX_MSG] + "..."})
    if len(errors) > MAX_ERRORS:
        out.append({"type": "too_many_errors", "loc": ["body"],
                    "msg": f"{len(errors) - MAX_ERRORS} more errors not shown"})
    return out


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": clean_errors(exc.errors())}, status_code=422)


async def _no_words(request: Request, exc: NoWordsError) -> JSONResponse:
    return JSONResponse({"detail": clean_errors([{"type": "no_words", "loc": ("body", "text"), "msg": str(exc)}])},
                        status_code=422)


async def _unavailable(request: Request, exc: ModelUnavailable) -> JSONResponse:
    return JSONResponse({"detail": "the model is unavailable", "reason": exc.reason}, status_code=503)


async def _limit(request: Request, exc: LimitExceeded) -> JSONResponse:
    setting = f"GEOSTANCE_{exc.limit.upper()}"
    return JSONResponse({"detail": f"{str(exc)[:_MAX_MSG]}; set {setting} to change it", "limit": exc.limit,
                         "value": exc.value}, status_code=413)


async def _budget(request: Request, exc: BudgetExceeded) -> JSONResponse:
    seconds = request.app.state.settings.request_timeout_s
    return JSONResponse({"detail": "the request took too long", "reason": f"the time budget of {seconds:g} s is "
                         "spent (GEOSTANCE_REQUEST_TIMEOUT_S)"}, status_code=503, headers={"Retry-After": "1"})


async def _busy(request: Request, exc: Busy) -> JSONResponse:
    settings = request.app.state.settings
    return JSONResponse({"detail": "the service is busy", "reason": f"all {settings.max_concurrent} prediction slots "
                         f"stayed taken for {settings.queue_wait_s:g} s (GEOSTANCE_MAX_CONCURRENT, "
                         "GEOSTANCE_QUEUE_WAIT_S); retry later"}, status_code=503, headers={"Retry-After": "1"})


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers for validation errors, text without words, a missing model, caps and budgets."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(NoWordsError, _no_words)
    app.add_exception_handler(ModelUnavailable, _unavailable)
    app.add_exception_handler(LimitExceeded, _limit)
    app.add_exception_handler(BudgetExceeded, _budget)
    app.add_exception_handler(Busy, _busy)
