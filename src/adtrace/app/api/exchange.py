"""REST endpoints: `POST /api/v1/screen` for platforms, `/api/v1/exchange/...` for partner bundles and leads.

Mounted by the app factory (adtrace.app.server). Auth is the app's: a session or an API token
(`Authorization: Bearer ...`); each route declares one permission (`.perm`, as the app's RBAC test
expects). The two dependencies below are module-level functions, so a deployment or a test can swap
them with `app.dependency_overrides`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from adtrace import errors
from adtrace.app.accounts import FORBIDDEN, auth_error
from adtrace.app.auth import Ctx, require
from adtrace.app.data.lists import audit_list
from adtrace.documents import Document
from adtrace.exchange import keys as xk
from adtrace.exchange import match as xm
from adtrace.exchange import store as xs
from adtrace.exchange.screening import (
    MAX_BATCH,
    MAX_IDENTIFIERS,
    Partner,
    RateLimited,
    Screened,
    Screener,
    TokenBucket,
)
from adtrace.exchange.signals import consortium_key_id
from adtrace.i18n import _
from adtrace.storage import audit

router = APIRouter(prefix="/api/v1", tags=["screening and exchange"])

# Role sets written here because the app's PERMS table is the app's file; see docs/exchange.md.
SCREEN_ROLES = frozenset({"admin", "analyst", "partner"})  # platforms get a partner account and a token
EXCHANGE_ROLES = frozenset({"admin", "analyst"})
LEAD_ROLES = frozenset({"admin", "analyst", "reviewer"})
_signed_in = require("dashboard")  # every role: the app checks the session/token (and CSRF for sessions)


def _role_check(perm: str, roles: frozenset[str]) -> Any:
    async def dependency(request: Request) -> Ctx:
        ctx = await _signed_in(request)
        if ctx.user.role not in roles:
            raise auth_error(FORBIDDEN, f"your role ({ctx.user.role}) may not do this", 403, needs=sorted(roles))
        return ctx

    dependency.perm = perm  # type: ignore[attr-defined]
    return dependency


screen_auth = _role_check("screen", SCREEN_ROLES)
exchange_auth = _role_check("exchange", EXCHANGE_ROLES)
leads_auth = _role_check("leads", LEAD_ROLES)


@dataclass(frozen=True)
class Limits:
    """Screening's input limits and partner policy (docs/exchange.md). Defaults leave room for a batch of
    1,000 ordinary ads (a few KB each) and refuse the 5-100 MB "ads" that stalled the server (issue 20)."""

    max_body_bytes: int = 8 * 1024 * 1024  # ADTRACE_SCREEN_MAX_BYTES: one request's JSON body
    max_chars: int = 100_000  # ADTRACE_SCREEN_MAX_CHARS: one document's title + text
    max_identifiers: int = MAX_IDENTIFIERS  # ADTRACE_SCREEN_MAX_IDENTIFIERS: per document
    watchlist_hint: bool = False  # ADTRACE_SCREEN_WATCHLIST_HINT=1: partners learn "matched a watchlist"

    @classmethod
    def from_env(cls) -> Limits:
        return cls(_env_int("ADTRACE_SCREEN_MAX_BYTES", cls.max_body_bytes),
                   _env_int("ADTRACE_SCREEN_MAX_CHARS", cls.max_chars),
                   _env_int("ADTRACE_SCREEN_MAX_IDENTIFIERS", cls.max_identifiers),
                   os.environ.get("ADTRACE_SCREEN_WATCHLIST_HINT", "0") == "1")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise errors.ConfigError(f"{name}={raw!r} is not a positive whole number; unset it for the default "
                                 f"({default:,})", code=errors.BAD_SETTING)
    return int(raw)


@dataclass
class ExchangeConfig:
    screener: Screener
    limiter: TokenBucket
    consortium_id: str | None
    limits: Limits = Limits()


def configure(app: FastAPI, *, keys_dir: str | None = None, rate: float | None = None, burst: float | None = None,
              refresh_seconds: float = 5.0, limits: Limits | None = None) -> ExchangeConfig:
    """Set the keys directory, the per-token rate limit of this process (documents/s; default from env
    ADTRACE_SCREEN_RATE / ADTRACE_WORKERS and ADTRACE_SCREEN_BURST) and the input limits (Limits.from_env)."""
    state = getattr(app.state, "adtrace", None)
    engine = getattr(state, "engine", None)
    try:
        key: bytes | None = xk.consortium_key(keys_dir)
    except errors.ConfigError:
        key = None  # screening still works; partner matching reports itself off
    if rate is None:  # the server's limit; each of `adtrace serve --workers N` processes keeps 1/N of it
        workers = max(1, int(os.environ.get("ADTRACE_WORKERS", "1")))
        rate = float(os.environ.get("ADTRACE_SCREEN_RATE", "100")) / workers
    burst = burst if burst is not None else float(os.environ.get("ADTRACE_SCREEN_BURST", str(MAX_BATCH)))
    limits = limits or Limits.from_env()
    cfg = ExchangeConfig(Screener(engine, key, refresh_seconds=refresh_seconds, max_identifiers=limits.max_identifiers),
                         TokenBucket(rate, max(burst, 1.0)), consortium_key_id(key) if key else None, limits)
    app.state.exchange = cfg
    return cfg


def warm(app: FastAPI) -> None:
    """Load lexicons, gazetteer and the signal index now, so a worker's first platform request is not slow.
    Stateless: the warm-up document is screened and forgotten like any other."""
    cfg = getattr(app.state, "exchange", None)
    cfg = cfg if isinstance(cfg, ExchangeConfig) else configure(app)
    cfg.screener.screen([Document.from_dict({"id": "warm-up", "text": "warm-up, call 213-555-0147"})])


def _config(request: Request) -> ExchangeConfig:
    cfg = getattr(request.app.state, "exchange", None)
    return cfg if isinstance(cfg, ExchangeConfig) else configure(request.app)


def _caller(ctx: Ctx) -> str:
    if ctx.token_key:  # per token, so two platforms on one account do not share
        return "token:" + ctx.token_key
    return f"user:{ctx.user.username}"


class ScreenIn(BaseModel):
    document: dict[str, Any] | None = Field(None, description="One Document (DESIGN §3): at least 'text'.")
    documents: list[dict[str, Any]] | None = Field(None, max_length=MAX_BATCH,
                                                   description=f"Or a batch of up to {MAX_BATCH} Documents.")
    mode: Literal["stateless", "store"] = Field(
        "stateless", description="stateless (default): nothing is kept, not even in logs. store: keep the "
        "documents and any partner matches as leads for review.")


def _too_large(what: str, limit: int, unit: str, setting: str, **detail: Any) -> errors.InputError:
    return errors.InputError(message=f"{what} is over the limit of {limit:,} {unit}; send less (split the "
                             f"batch or the document), or raise {setting} on the server",
                             code=errors.TOO_LARGE, http_status=413, detail={"limit": limit, **detail})


def _documents(body: ScreenIn, limits: Limits) -> list[Document]:
    if (body.document is None) == (body.documents is None):
        raise errors.InputError.at(errors.BAD_FIELD, "send exactly one of 'document' or 'documents'",
                                   field_name="document", hint="Wrap one ad as {\"document\": {...}}")
    raw = [body.document] if body.document is not None else body.documents or []
    if not raw:
        raise errors.InputError.at(errors.MISSING_FIELD, "empty batch", field_name="documents",
                                   hint="Send at least one document")
    for i, d in enumerate(raw):
        size = sum(len(v) for v in (d.get("text"), d.get("title")) if isinstance(v, str))
        if size > limits.max_chars:
            raise _too_large(f"document {i} ({size:,} characters of title and text)", limits.max_chars,
                             "characters", "ADTRACE_SCREEN_MAX_CHARS", document=i, characters=size)
    return [Document.from_dict(d, path="request", line=i if body.documents is not None else None)
            for i, d in enumerate(raw)]


class BoundedBody(APIRoute):
    """Reads the request body up to Limits.max_body_bytes before FastAPI parses it: a bigger body is refused
    with 413 in the JSON error shape, and never held in memory whole."""

    def get_route_handler(self) -> Any:
        handler = super().get_route_handler()

        async def bounded(request: Request) -> Response:
            limit = _config(request).limits.max_body_bytes
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _too_large(f"the request body ({int(declared):,} bytes)", limit, "bytes",
                                 "ADTRACE_SCREEN_MAX_BYTES")
            body = bytearray()
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise _too_large("the request body", limit, "bytes", "ADTRACE_SCREEN_MAX_BYTES")
            sent = False

            async def replay() -> dict[str, Any]:
                nonlocal sent
                if sent:
                    return {"type": "http.disconnect"}
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}

            response: Response = await handler(Request(request.scope, replay))
            return response

        return bounded


async def screen(request: Request, body: ScreenIn, ctx: Ctx = Depends(screen_auth)) -> Any:
    """Screen one ad or a batch at posting time: entities, indicators with evidence, risk level and reasons,
    watchlist and partner-signal matches. Flags mean 'indicators present', never a verdict on a person."""
    cfg = _config(request)
    docs = _documents(body, cfg.limits)
    wait = cfg.limiter.take(_caller(ctx), len(docs))
    if wait:
        if math.isinf(wait):
            raise errors.InputError.at(errors.BAD_FIELD, f"a batch of {len(docs)} exceeds this token's burst "
                                       "limit", field_name="documents", hint="Send smaller batches")
        return _rate_limited(RateLimited(wait))
    try:
        if body.mode == "stateless" and len(docs) <= INLINE_DOCS and _chars(docs) <= INLINE_CHARS:
            # Under a millisecond of CPU: running it here beats a thread hop (and the GIL hand-offs it costs).
            payload = _screen(request, cfg, ctx, body, docs)
        else:  # store mode writes to the database; big batches or long ads would hold up the event loop
            payload = await run_in_threadpool(_screen, request, cfg, ctx, body, docs)
    except RateLimited as exc:
        return _rate_limited(exc)
    # orjson straight to bytes: FastAPI's generic encoder walks every nested Record field (slow per request).
    return Response(payload, media_type="application/json")


router.add_api_route("/screen", screen, methods=["POST"], response_model=None, route_class_override=BoundedBody,
                     responses={413: {"description": "Request body or a document too large"},
                                429: {"description": "Rate limited; see Retry-After"}})

INLINE_DOCS = 4  # stateless requests up to this many documents are screened on the event loop...
INLINE_CHARS = 8_000  # ...when they are ordinary ads (pipeline time grows with the text)


def _chars(docs: list[Document]) -> int:
    return sum(len(d.text) + len(d.title or "") for d in docs)


def _rate_limited(exc: RateLimited) -> Response:
    wait = str(exc.detail["retry_after"])
    return JSONResponse(exc.to_json(), status_code=429, headers={"Retry-After": wait})


def _screen(request: Request, cfg: ExchangeConfig, ctx: Ctx, body: ScreenIn, docs: list[Document]) -> bytes:
    state = request.app.state.adtrace
    store = state.store if body.mode == "store" else None
    partner = Partner(ctx.user.username, cfg.limits.watchlist_hint) if ctx.user.role == "partner" else None
    caller = _caller(ctx)
    done = cfg.screener.run(docs, store, partner=partner, charge=lambda extra: cfg.limiter.charge(caller, extra))
    if store is not None or done.hidden_watch:
        _audit(state.engine, ctx, done, cfg.limits.watchlist_hint)
    return orjson.dumps({"results": done.results} if body.documents is not None else done.results[0])


def _audit(engine: Any, ctx: Ctx, done: Screened, hint: bool) -> None:
    """One row per stored document, and one per partner response a watchlist matched (with the entries
    the partner was not shown), in one transaction."""
    from adtrace.storage.db import write

    who = ctx.user.username
    with write(engine) as conn:
        for outcome in done.outcomes:
            audit.append(engine, who, "screen_store", outcome.id,
                         {"status": outcome.status, "reason": outcome.reason, "via": ctx.via}, conn=conn)
        for doc_id, matches in done.hidden_watch:
            audit.append(engine, who, "screen_watchlist", doc_id,
                         {"entries": [m.get("entry_id") for m in matches], "via": ctx.via,
                          "shown": "matched a watchlist" if hint else "nothing"}, conn=conn)


@router.post("/exchange/bundles")
def import_bundle(request: Request, bundle: dict[str, Any], ctx: Ctx = Depends(exchange_auth)) -> dict[str, Any]:
    """Import a signed bundle (signals or a retraction) from a trusted issuer, then match it against stored
    documents. Matches become leads for review, never automatic actions."""
    cfg = _config(request)
    engine = request.app.state.adtrace.engine
    report = xs.import_bundle(engine, bundle, cfg.consortium_id)
    out = report.to_dict()
    if cfg.screener.key is not None and not report.already_imported:
        out["match"] = xm.match_store(engine, cfg.screener.key, full=True).to_dict()
    cfg.screener.refresh()
    audit.append(engine, ctx.user.username, "exchange_import", report.bundle_id,
                 {"issuer": report.issuer, "kind": report.kind, "added": report.added, "retracted": report.retracted,
                  "via": ctx.via})
    return out


@router.post("/exchange/match")
def match(request: Request, ctx: Ctx = Depends(exchange_auth)) -> dict[str, Any]:
    """Match partner signals against documents stored since the last run (ingest does not call us)."""
    cfg = _config(request)
    if cfg.screener.key is None:
        raise errors.ConfigError("no consortium key installed on the server, so partner signals cannot be matched",
                                 code=errors.NO_KEYS, web_hint=_("Ask an administrator to install the consortium key"))
    return xm.match_store(request.app.state.adtrace.engine, cfg.screener.key).to_dict()


@router.get("/exchange/leads")
def get_leads(request: Request, status: Literal["open", "disabled", "quarantined", "withdrawn", "all"] = "open", limit: int = 100,
              offset: int = 0, ctx: Ctx = Depends(leads_auth)) -> dict[str, Any]:
    """Leads: documents that matched a partner's signal, with provenance (issuer, bundle, key) and the
    signal's aggregate opinion (positive, investigation, disputed). Withdrawn signals' leads are deleted."""
    rows = xs.leads(request.app.state.adtrace.engine, None if status == "all" else status,
                    max(0, min(limit, 1000)), max(0, min(offset, 10**9)))
    # Which ads a partner flagged is a view of personal data (DESIGN §6), as `adtrace exchange leads` records.
    audit_list(request, ctx, "exchange_leads", [r["doc_id"] for r in rows], status=status)
    return {"leads": rows}


@router.get("/exchange/signals")
def get_signals(request: Request, state: Literal["active", "disabled", "quarantined", "withdrawn"] | None = None,
                ctx: Ctx = Depends(exchange_auth)) -> dict[str, Any]:
    """Partner signals with their aggregate opinion and state; a quarantined one carries its reason."""
    from adtrace.exchange import opinions

    return {"signals": opinions.signals(request.app.state.adtrace.engine, state=state)}


@router.get("/exchange/issuers")
def get_issuers(request: Request, ctx: Ctx = Depends(exchange_auth)) -> dict[str, Any]:
    """Trusted partner organisations and their key ids."""
    return {"issuers": xs.issuers(request.app.state.adtrace.engine)}
