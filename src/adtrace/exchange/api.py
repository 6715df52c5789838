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
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from adtrace import errors
from adtrace.app import audit
from adtrace.app.accounts import FORBIDDEN, auth_error
from adtrace.app.auth import Ctx, require
from adtrace.documents import Document
from adtrace.exchange import keys as xk
from adtrace.exchange import match as xm
from adtrace.exchange import store as xs
from adtrace.exchange.screening import MAX_BATCH, Screener, TokenBucket
from adtrace.exchange.signals import consortium_key_id

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


@dataclass
class ExchangeConfig:
    screener: Screener
    limiter: TokenBucket
    consortium_id: str | None


def configure(app: FastAPI, *, keys_dir: str | None = None, rate: float | None = None, burst: float | None = None,
              refresh_seconds: float = 5.0) -> ExchangeConfig:
    """Set the keys directory and the per-token rate limit of this process (documents/s; default from env
    ADTRACE_SCREEN_RATE / ADTRACE_WORKERS and ADTRACE_SCREEN_BURST)."""
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
    cfg = ExchangeConfig(Screener(engine, key, refresh_seconds=refresh_seconds), TokenBucket(rate, max(burst, 1.0)),
                         consortium_key_id(key) if key else None)
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


def _documents(body: ScreenIn) -> list[Document]:
    if (body.document is None) == (body.documents is None):
        raise errors.InputError.at(errors.BAD_FIELD, "send exactly one of 'document' or 'documents'",
                                   field_name="document", hint="Wrap one ad as {\"document\": {...}}")
    raw = [body.document] if body.document is not None else body.documents or []
    if not raw:
        raise errors.InputError.at(errors.MISSING_FIELD, "empty batch", field_name="documents",
                                   hint="Send at least one document")
    return [Document.from_dict(d, path="request", line=i if body.documents is not None else None)
            for i, d in enumerate(raw)]


@router.post("/screen", response_model=None, responses={429: {"description": "Rate limited; see Retry-After"}})
async def screen(request: Request, body: ScreenIn, ctx: Ctx = Depends(screen_auth)) -> Any:
    """Screen one ad or a batch at posting time: entities, indicators with evidence, risk level and reasons,
    watchlist and partner-signal matches. Flags mean 'indicators present', never a verdict on a person."""
    cfg = _config(request)
    docs = _documents(body)
    wait = cfg.limiter.take(_caller(ctx), len(docs))
    if wait:
        if math.isinf(wait):
            raise errors.InputError.at(errors.BAD_FIELD, f"a batch of {len(docs)} exceeds this token's burst "
                                       "limit", field_name="documents", hint="Send smaller batches")
        err = errors.AdtraceError(message="too many documents screened; wait and retry", code="AT309",
                                  http_status=429, detail={"retry_after": math.ceil(wait)})
        return JSONResponse(err.to_json(), status_code=429, headers={"Retry-After": str(math.ceil(wait))})
    if body.mode == "stateless" and len(docs) <= INLINE_DOCS:
        # Under a millisecond of CPU: running it here beats a thread hop (and the GIL hand-offs it costs).
        payload = _screen(request, cfg, ctx, body, docs)
    else:  # store mode writes to the database; big batches would hold up the event loop
        payload = await run_in_threadpool(_screen, request, cfg, ctx, body, docs)
    # orjson straight to bytes: FastAPI's generic encoder walks every nested Record field (slow per request).
    return Response(payload, media_type="application/json")


INLINE_DOCS = 4  # stateless requests up to this many documents are screened on the event loop


def _screen(request: Request, cfg: ExchangeConfig, ctx: Ctx, body: ScreenIn, docs: list[Document]) -> bytes:
    store = request.app.state.adtrace.store if body.mode == "store" else None
    results = cfg.screener.screen(docs, store)
    if body.mode == "store":
        audit.append(request.app.state.adtrace.engine, ctx.user.username, "screen_store",
                     f"{len(docs)} documents", {"ids": [r.get("stored_id") for r in results][:50]})
    return orjson.dumps({"results": results} if body.documents is not None else results[0])


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
        raise errors.ConfigError("no consortium key installed on the server; see docs/exchange.md", code="AT410")
    return xm.match_store(request.app.state.adtrace.engine, cfg.screener.key).to_dict()


@router.get("/exchange/leads")
def get_leads(request: Request, status: Literal["open", "retracted", "all"] = "open", limit: int = 100,
              offset: int = 0, ctx: Ctx = Depends(leads_auth)) -> dict[str, Any]:
    """Leads: documents that matched a partner's signal, with provenance (issuer, bundle, key)."""
    rows = xs.leads(request.app.state.adtrace.engine, None if status == "all" else status,
                    max(0, min(limit, 1000)), max(0, min(offset, 10**9)))
    return {"leads": rows}


@router.get("/exchange/issuers")
def get_issuers(request: Request, ctx: Ctx = Depends(exchange_auth)) -> dict[str, Any]:
    """Trusted partner organisations and their key ids."""
    return {"issuers": xs.issuers(request.app.state.adtrace.engine)}
