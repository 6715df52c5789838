"""REST API v1: documents, search, queue, decisions, audit. Errors: {"error": {code, message, detail}}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from adtrace.app import accounts
from adtrace.app.api.params import Before, Day, Limit, Offset, iso
from adtrace.app.auth import Ctx, require
from adtrace.app.data import queue as queue_data
from adtrace.app.data.documents import load
from adtrace.app.data.lists import audit_list, audit_view
from adtrace.app.data.search import run_search
from adtrace.cases import decide, history, withdraw
from adtrace.storage import audit
from adtrace.storage.db import read, write

router = APIRouter(prefix="/api/v1", tags=["v1"])


class DecisionIn(BaseModel):
    doc_id: str = Field(..., description="The document decided on.")
    decision: str = Field(..., description="confirm | dismiss | escalate | withdraw (undo: back to the queue)")
    reason: str = Field("", description="Why; required for escalate.")


@router.get("/me")
def me(ctx: Ctx = Depends(require("dashboard"))) -> dict[str, Any]:
    return {"username": ctx.user.username, "role": ctx.user.role, "via": ctx.via}


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: str, ctx: Ctx = Depends(require("documents"))) -> dict[str, Any]:
    state = request.app.state.adtrace
    doc, record = load(request, doc_id)
    audit.append(state.engine, ctx.user.username, "view_document", doc_id, {"via": "api"})
    with read(state.engine) as conn:
        decisions = [d.to_dict() for d in history(conn, doc_id, limit=20)]
    return {"document": doc.to_dict(), "record": record, "decisions": decisions}


@router.get("/search")
def search(request: Request, limit: Limit = 20, ctx: Ctx = Depends(require("documents"))) -> dict[str, Any]:
    params = {k: v for k, v in request.query_params.items() if v}
    facets = tuple(request.query_params.getlist("facet"))
    _, result = run_search(request, ctx, params, facets, max(0, min(limit, 500)))
    return result.to_dict()  # type: ignore[no-any-return]


@router.get("/queue")
def get_queue(request: Request, limit: Limit = 50, offset: Offset = 0,
              ctx: Ctx = Depends(require("triage"))) -> dict[str, Any]:
    """Waiting documents in the queue page's order (the learned order once the model is trained)."""
    total, items, placed = queue_data.ranked_page(request, max(0, offset), max(0, min(limit, 500)))
    audit_list(request, ctx, "queue", [i.id for i in items], via="api")
    return {"waiting": total, "items": [{"id": i.id, "title": i.title, "source": i.source, "posted_at": i.posted_at,
                       "risk_score": i.risk_score, "risk_level": i.risk_level,
                       **({"model_probability": round(p.probability, 4) if p.probability is not None else None,
                           "combined_score": round(p.combined, 2), "uncertain": p.uncertain}
                          if (p := placed.get(i.id)) else {})} for i in items]}


@router.post("/decisions", status_code=201)
def post_decision(request: Request, body: DecisionIn, ctx: Ctx = Depends(require("triage"))) -> dict[str, Any]:
    engine = request.app.state.adtrace.engine
    with write(engine) as conn:
        d = withdraw(conn, body.doc_id, ctx.user.username) if body.decision == "withdraw" else \
            decide(conn, body.doc_id, body.decision, body.reason, ctx.user.username)
        audit.append(engine, ctx.user.username, "decision", body.doc_id,
                     {"decision": d.decision, "reason": d.reason, "via": "api"}, conn=conn)
    request.app.state.adtrace.learner.check()  # the queue learns from API decisions too
    return d.to_dict()


@router.get("/decisions")
def get_decisions(request: Request, doc_id: str | None = None, limit: Limit = 1000,
                  ctx: Ctx = Depends(require("triage"))) -> dict[str, Any]:
    with read(request.app.state.adtrace.engine) as conn:
        return {"decisions": [d.to_dict() for d in history(conn, doc_id, max(1, min(limit, 10000)))]}


@router.get("/decisions/labels.csv", response_class=Response)
def labels_csv(request: Request, full: bool = False, ctx: Ctx = Depends(require("export"))) -> Response:
    """Identifiers in the texts are masked unless an admin asks for `full=1` (audited either way)."""
    return Response(queue_data.labels_csv(request, ctx, full, via="api"), media_type="text/csv")


@router.get("/audit")
def get_audit(request: Request, actor: str | None = None, action: str | None = None, target: str | None = None,
              date_from: Day = None, date_to: Day = None, limit: Limit = 100, before: Before = None,
              ctx: Ctx = Depends(require("audit"))) -> dict[str, Any]:
    rows = audit.entries(request.app.state.adtrace.engine, actor=actor, action=action, target=target,
                         date_from=iso(date_from), date_to=iso(date_to), limit=limit, before=before)
    audit_view(request, ctx, rows, {"actor": actor, "action": action, "target": target, "date_from": iso(date_from),
                                    "date_to": iso(date_to), "before": before}, via="api")
    return {"entries": [r.to_dict() for r in rows]}


@router.get("/audit/verify")
def verify(request: Request, ctx: Ctx = Depends(require("audit"))) -> JSONResponse:
    v = audit.verify(request.app.state.adtrace.engine)
    return JSONResponse(v.to_dict())


@router.get("/tokens")
def get_tokens(request: Request, user: str | None = None, ctx: Ctx = Depends(require("admin"))) -> dict[str, Any]:
    """API tokens: id (first hex digits of the stored hash), owner, label, created, revoked. Never a token."""
    return {"tokens": accounts.list_tokens(request.app.state.adtrace.engine, user)}


@router.delete("/tokens/{token_id}")
def delete_token(request: Request, token_id: str, ctx: Ctx = Depends(require("admin"))) -> dict[str, Any]:
    """Revoke one API token (audited); this server refuses it at once, other workers within
    ADTRACE_TOKEN_CACHE_SECONDS."""
    state = request.app.state.adtrace
    out = accounts.revoke_token(state.engine, token_id, ctx.user.username)
    state.tokens.clear()
    return out
