"""The app factory: one store, routers per page group, one error shape, vendored static files.

Page groups live in `pages/<group>.py` and JSON routers in `api/<group>.py`; a new group (entities,
clusters, maps, cases) adds a module, lists it in ROUTERS and gets a link in templates/nav.html.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import import_module, resources
from pathlib import Path
from urllib.parse import quote

import orjson
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from itsdangerous import URLSafeTimedSerializer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adtrace import __version__, errors
from adtrace.app import accounts, hosts
from adtrace.app.auth import LoginThrottle, TokenCache, signer
from adtrace.app.learning import Learner
from adtrace.app.locale import LocaleMiddleware
from adtrace.i18n import gettext
from adtrace.storage import Store, open_store
from adtrace.storage.base import BAD_QUERY
from adtrace.storage.db import engine_of

ROUTERS = ("pages.login", "pages.dashboard", "pages.queue", "pages.search", "pages.documents", "pages.audit",
           "pages.network", "pages.watch", "pages.cases", "pages.formats", "pages.settings", "pages.users",
           "pages.imports", "pages.photos", "pages.tips", "pages.publictip", "api.v1", "api.investigate")


@dataclass
class AppState:
    store: Store
    engine: sa.Engine
    signer: URLSafeTimedSerializer
    throttle: LoginThrottle
    image_roots: tuple[Path, ...]
    secure_cookies: bool | None  # None: Secure unless the request is plain HTTP to a loopback name (auth.secure_cookie)
    tokens: TokenCache = field(default_factory=TokenCache)
    learner: Learner = field(init=False)  # the queue's background model (adtrace.app.learning)

    def __post_init__(self) -> None:
        self.learner = Learner(self.engine)


def create_app(db: str | Store | None = None, *, image_roots: tuple[str | Path, ...] = (),
               secure_cookies: bool | None = None, allowed_hosts: Iterable[str] | None = None) -> FastAPI:
    """Build the app on a store (or a database URL). Images are served only from `image_roots`.
    `secure_cookies`: True/False forces the cookies' Secure flag; None (default) sets it unless the request
    is plain HTTP to localhost/127.x/::1 (so HTTPS, and any proxy forwarding a public name, get Secure).
    `allowed_hosts`: the names the Host header may carry (port ignored); None (default) means localhost,
    127.0.0.1 and ::1, `"*"` any name (`adtrace.app.hosts`). Tests with Starlette's TestClient name
    `testserver`, the host it sends."""
    store = db if isinstance(db, Store) else open_store(db)
    engine = engine_of(store)
    state = AppState(store, engine, signer(accounts.secret_key(engine)), LoginThrottle(),
                     tuple(Path(p).resolve() for p in image_roots), secure_cookies)
    app = FastAPI(title="adtrace", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/v1/openapi.json",
                  description="Analyst API. Flags mean 'indicators present', never a verdict on a person.")
    app.state.adtrace = state
    # The map outlines belong to places (the PDF route maps draw them too); the browser finds them here.
    app.mount("/static/geo", StaticFiles(directory=str(resources.files("adtrace.places") / "outlines")), name="geo")
    # The CJK and emoji fallback fonts the case report ships (cases/fonts/README.txt): pages in Chinese read
    # on machines without CJK fonts; app.css loads them only for the characters they cover (unicode-range).
    app.mount("/static/fonts", StaticFiles(directory=str(resources.files("adtrace.cases") / "fonts")), name="fonts")
    app.mount("/static", StaticFiles(directory=str(resources.files("adtrace.app") / "static")), name="static")
    # Screening + exchange first (docs/exchange.md): routes are matched in order, and platforms call
    # /api/v1/screen hundreds of times a second; its paths overlap no other router's.
    app.include_router(import_module("adtrace.app.api.exchange").router)
    for name in ROUTERS:  # the OpenAPI spec documents the JSON API only, not the HTML pages
        app.include_router(import_module(f"adtrace.app.{name}").router, include_in_schema=name.startswith("api."))
    _errors(app)

    app.add_middleware(LocaleMiddleware)  # type: ignore[arg-type]  # each request's language (adtrace.app.locale)
    # Outermost (added last): a request to a name the server does not answer to runs nothing else.
    app.add_middleware(SecurityHeaders, allowed_hosts=hosts.allowed_names(allowed_hosts))  # type: ignore[arg-type]
    return app


# Offline app: nothing may load from elsewhere, pages are not framed, personal data is not cached.
_HEADERS = ((b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
             b"script-src 'self'; frame-ancestors 'none'"),
            (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
_NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """Refuses a request whose Host the server does not answer to (DNS rebinding, `adtrace.app.hosts`), and
    adds the security headers to every HTTP response unless the route set its own.

    Pure ASGI on purpose: Starlette's BaseHTTPMiddleware (`@app.middleware`) runs each request through an
    extra task and memory stream, which cost more CPU than the rest of a screening request's plumbing.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str] | None = frozenset(hosts.LOOPBACK_HOSTS)) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if self.allowed_hosts is not None and hosts.request_host(scope["headers"]) not in self.allowed_hosts:
            await _wrong_host(scope, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _HEADERS if scope["path"].startswith("/static/") else (*_HEADERS, _NO_STORE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _wrong_host(scope: Scope, send: Send) -> None:
    """400 (AT125) before any route runs: JSON in the API's error shape under /api/, else plain text."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    exc = errors.InputError(message=gettext("this server does not answer to that host name"),
                            code=errors.UNKNOWN_HOST, http_status=400,
                            web_hint=gettext("open the address the server's administrator gave you"),
                            detail={"host": hosts.request_host(scope["headers"])[:100]})
    api = scope["path"].startswith("/api/")
    body = orjson.dumps(exc.to_json()) if api else f"{exc.code}: {exc.web_text}\n".encode()
    kind = b"application/json" if api else b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()), *_HEADERS, _NO_STORE]})
    await send({"type": "http.response.body", "body": body})


def app_from_env() -> FastAPI:
    """The app as each `adtrace serve --workers N` process builds it (uvicorn's factory): the options
    travel in ADTRACE_DB, ADTRACE_IMAGES (os.pathsep-separated), ADTRACE_SECURE_COOKIES (1 on, 0 off,
    empty: automatic) and ADTRACE_ALLOWED_HOSTS (comma-separated; empty: loopback names)."""
    images = tuple(p for p in os.environ.get("ADTRACE_IMAGES", "").split(os.pathsep) if p)
    flag = os.environ.get("ADTRACE_SECURE_COOKIES", "")
    names = [n for n in os.environ.get("ADTRACE_ALLOWED_HOSTS", "").split(",") if n.strip()]
    app = create_app(None, image_roots=images, secure_cookies={"1": True, "0": False}.get(flag),
                     allowed_hosts=names or None)
    warm_up(app)
    return app


def warm_up(app: FastAPI) -> None:
    """Before serving: load the pipeline, then move everything loaded so far out of the garbage collector's
    sight. Lexicons and gazetteer are ~0.5 M long-lived objects; without gc.freeze() every full
    collection walks them all (measured ~350 ms on a busy 2-core box: a stall for every request in flight)."""
    from adtrace.app.api.exchange import warm

    warm(app)
    gc.collect()
    gc.freeze()


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _errors(app: FastAPI) -> None:
    from adtrace.app.pages.render import render

    def respond(request: Request, exc: errors.AdtraceError) -> Response:
        if exc.code == BAD_QUERY:  # the store refused a filter the request gave it: the request is at fault
            exc.http_status = 422
        if _is_api(request):
            return JSONResponse(exc.to_json(), status_code=exc.http_status)
        if exc.code == accounts.NOT_LOGGED_IN:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        if request.headers.get("hx-request"):
            return Response(f'<p class="error">{_esc(exc.web_text)}</p>', status_code=exc.http_status,
                            media_type="text/html")
        return render(request, "error.html", {"error": exc}, status=exc.http_status)

    @app.exception_handler(errors.AdtraceError)
    async def _adtrace(request: Request, exc: errors.AdtraceError) -> Response:
        return respond(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: errors.NOT_FOUND, 405: errors.METHOD_NOT_ALLOWED}.get(exc.status_code, errors.BAD_REQUEST)
        message = gettext("no such page or resource") if exc.status_code == 404 else str(exc.detail)
        return respond(request, errors.AdtraceError(message=message, code=code, http_status=exc.status_code))

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> Response:
        # A number too large for the database (the API's declared bounds stop most before this point).
        return respond(request, errors.InputError(message=gettext("a number in the request is out of range"),
                                                  code=errors.BAD_FIELD, detail={"why": str(exc)[:200]}))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        # Last resort: a bug still answers in the one error shape (never a plain-text 500 or a traceback).
        return respond(request, errors.AdtraceError(message=gettext("internal error; it has been logged"), code=errors.INTERNAL,
                                                    http_status=500))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = {"fields": [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]}
        return respond(request, errors.InputError(message=gettext("the request has missing or invalid fields"),
                                                  code=errors.BAD_FIELD, detail=detail))


def _esc(s: str) -> str:
    from markupsafe import escape

    return str(escape(s))
