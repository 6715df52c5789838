"""The audit log for auditors: filter by who, what, which document and when; check the chain."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from adtrace.app.auth import Ctx, require
from adtrace.app.data.lists import audit_view
from adtrace.app.pages.render import render
from adtrace.storage import audit

router = APIRouter()


@router.get("/audit")
def audit_page(request: Request, actor: str = "", action: str = "", target: str = "", date_from: str = "",
               date_to: str = "", before: int = 0, ctx: Ctx = Depends(require("audit"))) -> Response:
    rows = audit.entries(request.app.state.adtrace.engine, actor=actor or None, action=action or None,
                         target=target or None, date_from=date_from or None, date_to=date_to or None,
                         limit=100, before=before or None)
    params = {"actor": actor, "action": action, "target": target, "date_from": date_from, "date_to": date_to}
    audit_view(request, ctx, rows, params)
    return render(request, "audit.html", {"rows": rows, "params": params, "actions": audit.ACTIONS,
                                          "older": rows[-1].seq if len(rows) == 100 else None})


@router.get("/audit/verify")
def audit_verify(request: Request, ctx: Ctx = Depends(require("audit"))) -> Response:
    return render(request, "_verify.html", {"v": audit.verify(request.app.state.adtrace.engine)})
