"""What keeps one request from costing the service more than its share.

- :class:`ApiKeyMiddleware`: a pure ASGI middleware that answers 401 before the body is read.
- :class:`BodyLimitMiddleware`: 413 for a body larger than ``GEOSTANCE_MAX_BODY_BYTES``, from its
  ``Content-Length`` before anything is read, or as soon as the bytes received pass the limit.
- :class:`StrictJSONRoute`: request bodies must be UTF-8 JSON that Python can parse; invalid UTF-8 and
  nesting too deep for the parser answer 422 naming the body (FastAPI would answer 400).
- :func:`run_bounded`: CPU-bound prediction work runs in a worker thread, at most
  ``GEOSTANCE_MAX_CONCURRENT`` at once, of which one is kept for light requests (texts of at most
  ``GEOSTANCE_LIGHT_TEXT_CHARS`` characters in all) when there are two or more, with a
  :class:`~training.limits.Budget` of
  ``GEOSTANCE_REQUEST_TIMEOUT_S`` that is cancelled when the client disconnects. A request that finds no
  free slot within ``GEOSTANCE_QUEUE_WAIT_S`` gets 503 busy; one whose budget is spent gets 503 with the
  reason, at the deadline even if its thread is still finishing a step.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Receive, Scope, Send

from training.limits import Budget, BudgetExceeded

__all__ = ["ApiKeyMiddleware", "BodyLimitMiddleware", "Busy", "OPEN_PATHS", "POLL_S",
           "StrictJSONRoute", "Workers", "key_ok", "run_bounded"]

T = TypeVar("T")
POLL_S = 0.05  # how often a waiting request looks for its client's disconnect
GRACE_S = 0.5  # after the deadline, how long to wait for the worker to notice its budget
OPEN_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/", "/ui"})
OPEN_PREFIXES = ("/ui/static/", "/docs/assets/")  # the page and the docs' own files: no data behind them


#: the page and its files load everything from this origin only, and run no inline script
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'")
PAGE_PREFIXES = ("/ui/static/",)


class SecurityHeadersMiddleware:
    """Every response gets ``X-Content-Type-Options: nosniff`` (no browser guesses a JSON error or a file to
    be HTML or script); the page, at ``/ui`` or under ``/ui/static/``, also gets its Content-Security-Policy."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        page = path == "/ui" or path.startswith(PAGE_PREFIXES)

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if page:
                    headers.setdefault("Content-Security-Policy", PAGE_CSP)
            await send(message)

        await self.app(scope, receive, with_headers)


def key_ok(headers: Headers, expected: str) -> bool:
    """Whether header ``X-API-Key`` holds ``expected`` (constant-time comparison)."""
    given = headers.get("x-api-key", "")
    return bool(given) and secrets.compare_digest(given.encode(), expected.encode())


class ApiKeyMiddleware:
    """401 unless header ``X-API-Key`` holds the key, checked before anything reads the body.

    ``/health``, the docs and the page's files stay open (``/health`` then shows no details; the page
    sends the key the user types in).
    """

    def __init__(self, app: ASGIApp, *, key: str):
        self.app, self.key = app, key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not key_ok(headers, self.key):
            detail = ("invalid API key (header X-API-Key)" if headers.get("x-api-key")
                      else "missing API key: send it in the X-API-Key header")
            response = JSONResponse({"detail": detail}, status_code=401, headers={"WWW-Authenticate": "X-API-Key"})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """413 for a request body of more than ``max_bytes`` bytes, never reading past the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    def _detail(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes (GEOSTANCE_MAX_BODY_BYTES)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            await JSONResponse({"detail": self._detail()}, status_code=413)(scope, receive, send)
            return
        seen = 0

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:  # FastAPI re-raises an HTTPException met while reading the body
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, limited, send)


def _body_error(type_: str, msg: str) -> HTTPException:
    return HTTPException(422, [{"type": type_, "loc": ["body"], "msg": msg}])


class _StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _body_error("utf8_invalid", f"the body is not valid UTF-8 (byte {exc.start})") from None
            try:
                self._json = json.loads(text)
            except RecursionError:
                raise _body_error("json_too_deep", "the JSON body is nested too deeply") from None
        return self._json


class StrictJSONRoute(APIRoute):
    """An APIRoute whose JSON bodies are decoded strictly (see the module docstring)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def strict(request: Request):
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict


class Busy(Exception):
    """Every prediction slot stayed taken for ``GEOSTANCE_QUEUE_WAIT_S``."""


class Workers:
    """The prediction slots: a semaphore and a thread pool of the same size, and a semaphore that lets heavy
    requests hold at most ``n - 1`` of the slots (all of them when ``n`` is 1)."""

    def __init__(self, n: int):
        self.n = n
        self.slots = asyncio.Semaphore(n)
        self.heavy = asyncio.Semaphore(max(1, n - 1))
        self.pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="geostance-predict")
        self.running = 0

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


async def _acquire(sem: asyncio.Semaphore, until: float) -> None:
    try:
        await asyncio.wait_for(sem.acquire(), timeout=max(0.0, until - time.monotonic()))
    except asyncio.TimeoutError:
        raise Busy() from None


async def run_bounded(request: Request, work: Callable[[Budget], T], *, chars: int = 0) -> T:
    """Run ``work(budget)`` in a worker thread within the request's slot, budget and connection.

    Parameters
    ----------
    request : Request
    work : callable
        Called with the request's :class:`~training.limits.Budget` in a worker thread.
    chars : int, default=0
        Characters of text the work reads; more than ``GEOSTANCE_LIGHT_TEXT_CHARS`` makes it heavy.

    Raises
    ------
    Busy
        No slot became free in time.
    BudgetExceeded
        The time budget is spent (also raised at the deadline if the worker has not yet stopped).
    """
    settings = request.app.state.settings
    workers: Workers = request.app.state.workers
    budget = Budget(settings.request_timeout_s)
    until = time.monotonic() + min(settings.queue_wait_s, settings.request_timeout_s)
    heavy = chars > settings.light_text_chars
    if heavy:
        await _acquire(workers.heavy, until)
    try:
        await _acquire(workers.slots, until)
    except Busy:
        if heavy:
            workers.heavy.release()
        raise
    workers.running += 1
    future = asyncio.get_running_loop().run_in_executor(workers.pool, work, budget)

    def release(_=None):
        workers.running -= 1
        workers.slots.release()
        if heavy:
            workers.heavy.release()

    try:
        while True:
            done, _ = await asyncio.wait({future}, timeout=POLL_S)
            if done:
                return future.result()
            if not budget.cancelled and await request.is_disconnected():
                budget.cancel()  # the client has gone: the worker stops at its next check
            if budget.deadline is not None and time.monotonic() > budget.deadline + GRACE_S:
                budget.cancel()
                raise BudgetExceeded(f"the time budget of {settings.request_timeout_s:g} s is spent")
    finally:
        if future.done():
            release()
        else:  # the slot stays taken until the worker has really stopped
            budget.cancel()
            future.add_done_callback(release)
