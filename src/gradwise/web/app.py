"""The web playground's HTTP layer: the page, Plotly.js from the installed wheel, and ``/api/``.

Thin by design: read a capped body, check its shape (``schema``), hand it to a sandboxed worker
(``workers``), return the worker's document. Nothing here parses maths or reads files named by
a request.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import html
import importlib.resources
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from gradwise.web import schema
from gradwise.web.workers import TaskError, WorkerLimits, WorkerPool

STATIC = Path(__file__).parent / "static"
_DRAIN = 8 * 1024 * 1024  # read at most this much of an oversized body before answering 413
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@dataclass(frozen=True)
class Settings:
    """How the server runs.

    Attributes:
        workers: worker processes (None: 4 per CPU, at least 8 and at most 16).
        limits: per-request time, CPU and memory limits.
        max_body: bytes of a JSON request body (413 past it).
        max_upload: bytes of a request that carries a data file (``/api/train``): room for
            a CSV of ``schema.MAX_CSV`` bytes after JSON escaping (each line break becomes two
            characters, a quote two) and the other fields.
        max_waiting: requests that may wait for a worker (503 past it).
        queue_timeout: seconds a request may wait for a worker (503 past it).
    """

    workers: int | None = None
    limits: WorkerLimits = WorkerLimits()
    max_body: int = 128 * 1024
    max_upload: int = 2 * schema.MAX_CSV + 64 * 1024
    max_waiting: int = 64
    queue_timeout: float = 10.0


class ApiError(Exception):
    """An answer other than 200, as ``{"error": message, ...}``."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.document = {"error": message, **extra}


def create_app(settings: Settings | None = None, pool: WorkerPool | None = None) -> Starlette:
    """The Starlette application.

    Args:
        settings: limits and sizes; ``Settings()`` by default.
        pool: a started pool to use (it is not closed with the app); by default the app starts
            its own at start-up and closes it at shutdown.
    """
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        own = pool is None
        app.state.pool = pool or WorkerPool(size=settings.workers, limits=settings.limits,
                                            max_waiting=settings.max_waiting,
                                            queue_timeout=settings.queue_timeout)
        if own:
            await anyio.to_thread.run_sync(app.state.pool.start)
        capacity = app.state.pool.size + settings.max_waiting + 8
        app.state.limiter = anyio.CapacityLimiter(capacity)
        try:
            yield
        finally:
            if own:
                await anyio.to_thread.run_sync(app.state.pool.close)

    routes = [
        Route("/", _page),
        Route("/api", _api_page, methods=["GET", "POST"]),
        Route("/favicon.ico", _no_icon),
        Route("/api/openapi.json", _openapi),
        *[Route(f"/api/{name}", functools.partial(_endpoint, name), methods=["POST"])
          for name in schema.ENDPOINTS],
        Route("/vendor/plotly.min.js", _plotly),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: _http_error, ApiError: _api_error})
    app.state.settings = settings
    app.state.answers = Answers()
    return app


async def _endpoint(name: str, request: Request) -> Response:
    settings: Settings = request.app.state.settings
    cap = settings.max_upload if name == "train" else settings.max_body
    body = await _read_json(request, cap)
    try:
        args = schema.check(name, body)
    except schema.SchemaError as error:
        raise ApiError(error.status, str(error), **error.extra) from None
    pool: WorkerPool = request.app.state.pool
    answers: Answers = request.app.state.answers
    key = (name, json.dumps(args, sort_keys=True))
    kept = answers.get(key) if name in KEPT else None
    if kept is not None:
        return _json(kept, {"derived": 0})
    timeout = schema.ENDPOINTS[name].timeout
    try:
        document, meta = await anyio.to_thread.run_sync(
            functools.partial(pool.call, name, args, timeout, args.get("expr")),
            limiter=request.app.state.limiter)
    except TaskError as error:
        return JSONResponse(error.document, status_code=error.status)
    if name in KEPT:
        answers.put(key, document)
    return _json(document, meta)


def _json(document: bytes, meta: dict[str, Any]) -> Response:
    """The worker's JSON as it wrote it (parsing and writing it again would cost as much as
    many a computation), with what it cost."""
    return Response(document, media_type="application/json",
                    headers={"Server-Timing": _timing(meta)})


KEPT = frozenset({"critical"})
"""Endpoints whose answers the server keeps (by the canonical request): a critical-point
search costs up to its budget in CPU seconds, the page asks it again for the same function
and view, and any worker may serve the next request."""


class Answers:
    """The last ``size`` answers of the KEPT endpoints, least recently used dropped first."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._kept: collections.OrderedDict[tuple[str, str], bytes] = collections.OrderedDict()

    def get(self, key: tuple[str, str]) -> bytes | None:
        document = self._kept.get(key)
        if document is not None:
            self._kept.move_to_end(key)
        return document

    def put(self, key: tuple[str, str], document: bytes) -> None:
        self._kept[key] = document
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


def _timing(meta: dict[str, Any]) -> str:
    """What the request cost, for browsers' developer tools and the load benchmark:
    the worker's wall and CPU milliseconds, and whether it was answered from memory."""
    cache = "hit" if meta.get("derived") == 0 else "miss"
    return (f"worker;dur={meta.get('wall_ms', 0):.3f}, cpu;dur={meta.get('cpu_ms', 0):.3f}, "
            f"cache;desc={cache}")


async def _read_json(request: Request, cap: int) -> Any:
    """The body as JSON; 413 past ``cap`` bytes, 400 when it is not JSON."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise ApiError(400, f"the Content-Length header {declared!r} is not a number")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > _DRAIN:
            break
    if len(body) > cap:
        raise ApiError(413, f"the request body has {len(body):,}+ bytes; at most {cap:,} are "
                       "allowed", limit=cap)
    try:
        return json.loads(body, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise ApiError(400, "the request body nests deeper than JSON parsing allows; send a "
                       'flat object such as {"expr": "x^2 + y^2"}') from None
    except ValueError as error:  # not JSON, not UTF-8, NaN, 1e999, an integer of 4,301 digits
        raise ApiError(400, f"the request body is not JSON ({error}); send for example "
                       '{"expr": "x^2 + y^2"} with Content-Type: application/json') from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; write a finite number or a string")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text[:40]} is beyond the range of floating point; write it as a "
                         "string, e.g. \"1e308\", where the field takes text")
    return value


async def _page(request: Request) -> Response:
    return _secured(FileResponse(STATIC / "index.html", media_type="text/html"))


async def _api_page(request: Request) -> Response:
    if request.method == "POST":
        names = ", ".join(f"/api/{name}" for name in schema.ENDPOINTS)
        raise ApiError(405, f"/api is the API's documentation page (GET it); POST a JSON body "
                       f"to one of {names}, e.g. POST /api/gradient with "
                       '{"expr": "x^2 + y^2"}')
    return _secured(HTMLResponse(_api_html()))


async def _no_icon(request: Request) -> Response:
    return Response(status_code=204)  # the page has no icon; a 404 would be a console error


async def _openapi(request: Request) -> Response:
    return JSONResponse(schema.openapi())


async def _plotly(request: Request) -> Response:
    path = _plotly_path()
    if path is None:
        raise ApiError(404, "plotly is not installed; pip install 'gradwise[web]'")
    return FileResponse(path, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


@functools.cache
def _plotly_path() -> Path | None:
    try:
        path = importlib.resources.files("plotly") / "package_data" / "plotly.min.js"
    except ModuleNotFoundError:
        return None
    return Path(str(path)) if path.is_file() else None


def _secured(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    # a window the page opens on another site gets no handle back to it (nothing to post to)
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    return response


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    message = {404: f"no such page: {request.url.path}; the API is under /api/ (see /api)",
               405: f"{request.method} is not allowed on {request.url.path}. Fix: use POST with a "
                    "JSON body"}.get(error.status_code, str(error.detail))
    return JSONResponse({"error": message}, status_code=error.status_code)


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return JSONResponse(error.document, status_code=error.status)


def _markdown(text: str) -> str:
    """The descriptions' Markdown as HTML: escaped text, with `code` spans."""
    pieces = html.escape(text).split("`")
    return "".join(f"<code>{piece}</code>" if i % 2 else piece for i, piece in enumerate(pieces))


def _api_html() -> str:
    """A readable page for ``/api``, written from the same table as the OpenAPI document."""

    parts = ["<!doctype html><meta charset='utf-8'><title>gradwise API</title>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             "<link rel='icon' href='data:,'>",
             "<link rel='stylesheet' href='/static/style.css'><main class='doc'>",
             "<h1>gradwise web API</h1><p>POST a JSON object; the answer has the shape of the "
             "matching CLI command's <code>--json</code> output. Errors are "
             "<code>{\"error\": message}</code> (a parse error adds <code>column</code>). "
             "Machine-readable: <a href='/api/openapi.json'>openapi.json</a>.</p>"]
    for name, endpoint in schema.ENDPOINTS.items():
        parts.append(f"<h2>POST /api/{name}</h2><p>{_markdown(endpoint.summary)}</p><table>")
        parts.append("<tr><th>field</th><th>type</th><th></th><th>meaning</th></tr>")
        for key in endpoint.required + endpoint.optional:
            field = schema.FIELDS[key]
            need = "required" if key in endpoint.required else "optional"
            parts.append(f"<tr><td><code>{key}</code></td><td>{field.kind}</td><td>{need}"
                         f"</td><td>{_markdown(field.description)}</td></tr>")
        parts.append("</table>")
    parts.append("<p>Status codes: 400 invalid input, 413 body too large, 422 a computation "
                 "that failed or passed its time/CPU/memory limit, 503 every worker busy.</p>"
                 "</main>")
    return "".join(parts)
