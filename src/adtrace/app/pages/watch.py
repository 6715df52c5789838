"""Watchlists and alerts: what analysts watch for, and what new documents matched (adtrace.cases)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from adtrace.app import audit
from adtrace.app.auth import Ctx, require
from adtrace.app.pages.render import render
from adtrace.cases import alerts, watchlists

router = APIRouter()


def add_entry(request: Request, ctx: Ctx, kind: str, value: str, name: str, note: str) -> watchlists.Entry:
    state = request.app.state.adtrace
    entry = watchlists.add(state.store, kind, value, name=name, owner=ctx.user.username, note=note)
    audit.append(state.engine, ctx.user.username, "watchlist", f"{entry.kind}:{entry.value}",
                 {"op": "add", "entry": entry.id, "watchlist": entry.name})
    return entry


def remove_entry(request: Request, ctx: Ctx, entry_id: int) -> watchlists.Entry:
    state = request.app.state.adtrace
    entry = watchlists.remove(state.store, entry_id)
    audit.append(state.engine, ctx.user.username, "watchlist", f"{entry.kind}:{entry.value}",
                 {"op": "remove", "entry": entry.id, "watchlist": entry.name})
    return entry


def ack_alert(request: Request, ctx: Ctx, alert_id: int, note: str) -> alerts.Alert:
    state = request.app.state.adtrace
    alert = alerts.ack(state.store, alert_id, ctx.user.username, note)
    audit.append(state.engine, ctx.user.username, "alert_ack", str(alert_id), {"doc": alert.doc_id})
    return alert


@router.get("/watchlists")
def watchlists_page(request: Request, ctx: Ctx = Depends(require("documents"))) -> Response:
    rows = watchlists.entries(request.app.state.adtrace.store, active_only=True)
    return render(request, "watchlists.html", {"entries": rows, "kinds": watchlists.KINDS})


@router.post("/watchlists")
def watchlists_add(request: Request, kind: str = Form(...), value: str = Form(...), name: str = Form(...),
                   note: str = Form(""), ctx: Ctx = Depends(require("cases"))) -> Response:
    add_entry(request, ctx, kind, value, name, note)
    return RedirectResponse("/watchlists", status_code=303)


@router.post("/watchlists/{entry_id}/remove")
def watchlists_remove(request: Request, entry_id: int, ctx: Ctx = Depends(require("cases"))) -> Response:
    remove_entry(request, ctx, entry_id)
    return RedirectResponse("/watchlists", status_code=303)


@router.get("/alerts")
def alerts_page(request: Request, show: str = "open", ctx: Ctx = Depends(require("triage"))) -> Response:
    rows = alerts.list_alerts(request.app.state.adtrace.store, open_only=show != "all", limit=200)
    return render(request, "alerts.html", {"alerts": rows, "show": show})


@router.post("/alerts/{alert_id}/ack")
def alerts_ack(request: Request, alert_id: int, note: str = Form(""),
               ctx: Ctx = Depends(require("triage"))) -> Response:
    ack_alert(request, ctx, alert_id, note)
    return RedirectResponse("/alerts", status_code=303)
