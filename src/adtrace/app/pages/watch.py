"""Watchlists and alerts: what analysts watch for, and what new documents matched (adtrace.cases)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from adtrace import errors
from adtrace.app.auth import Ctx, require
from adtrace.app.data.lists import audit_list
from adtrace.app.data.watch import ack_alert, add_entry, remove_entry
from adtrace.app.pages.render import render
from adtrace.cases import alerts, watchlists
from adtrace.i18n import N_
from adtrace.storage import audit

router = APIRouter()


def _watchlists(request: Request, form: dict[str, str] | None = None, error: str = "", field: str = "",
                status: int = 200, added: int = 0) -> Response:
    rows = watchlists.entries(request.app.state.adtrace.store, active_only=True)
    audit_list(request, request.state.ctx, "watchlists", [e.id for e in rows])  # identifiers people are watched by
    # Arriving from "Watch" (here or on an entity page) says what was added; the entry is looked up by id,
    # so the notice never repeats text from the address.
    just = next((e for e in rows if e.id == added), None)
    return render(request, "watchlists.html", {"entries": rows, "kinds": watchlists.KINDS, "form": form or {},
                                               "error": error, "error_field": field, "added": just}, status=status)


@router.get("/watchlists")
def watchlists_page(request: Request, added: str = "", ctx: Ctx = Depends(require("documents"))) -> Response:
    return _watchlists(request, added=int(added) if added.isdigit() else 0)


@router.post("/watchlists")
def watchlists_add(request: Request, kind: str = Form(...), value: str = Form(...), name: str = Form(...),
                   note: str = Form(""), ctx: Ctx = Depends(require("cases"))) -> Response:
    try:
        entry = add_entry(request, ctx, kind, value, name, note)
    except errors.InputError as exc:  # beside the field, with what was typed kept
        return _watchlists(request, {"kind": kind, "value": value, "name": name, "note": note}, exc.web_text,
                           str(exc.detail.get("field", "")), status=422)
    return RedirectResponse(f"/watchlists?added={entry.id}", status_code=303)


@router.post("/watchlists/{entry_id}/remove")
def watchlists_remove(request: Request, entry_id: int, ctx: Ctx = Depends(require("cases"))) -> Response:
    remove_entry(request, ctx, entry_id)
    return RedirectResponse("/watchlists", status_code=303)


ALERT_TABS = (("hits", N_("Watchlist and partner hits")), ("risk", N_("High risk on arrival")), ("all", N_("All")))


@router.get("/alerts")
def alerts_page(request: Request, show: str = "open", kind: str = "hits", watchlist: str = "",
                ctx: Ctx = Depends(require("triage"))) -> Response:
    """Watchlist hits apart from risk alerts (which the review queue also holds), with titles, filters
    by kind and watchlist, and acknowledge one, the selected or all shown."""
    from adtrace.storage import reviewlog
    from adtrace.storage.db import read

    store = request.app.state.adtrace.store
    open_only = show != "all"
    kind = kind if kind in {t for t, _ in ALERT_TABS} or kind in ("watchlist", "partner") else "hits"
    rows = alerts.list_alerts(store, open_only=open_only, limit=200, kind=None if kind == "all" else kind,
                              watchlist=watchlist or None)
    ids = sorted({a.doc_id for a in rows if a.doc_id})
    with read(request.app.state.adtrace.engine) as conn:
        docs = reviewlog.alert_documents(conn, ids)
    counts = alerts.counts(store, open_only=open_only)
    audit_list(request, ctx, "alerts", [a.id for a in rows])
    tabs = [(t, label, sum(n for k, n in counts.items() if t == "all" or (t == "hits") == (k != "risk")))
            for t, label in ALERT_TABS]
    return render(request, "alerts.html", {"alerts": rows, "show": show, "kind": kind, "watchlist": watchlist,
                                           "tabs": tabs, "docs": docs,
                                           "watchlists": alerts.watchlist_names(store, open_only=open_only)})


@router.post("/alerts/ack")
def alerts_ack_many(request: Request, ids: list[int] = Form(default=[]), note: str = Form(""),
                    back: str = Form("/alerts"), ctx: Ctx = Depends(require("triage"))) -> Response:
    """Bulk acknowledge: the ticked alerts (or every one shown, which the page ticks for you)."""
    state = request.app.state.adtrace
    for alert_id in alerts.ack_many(state.store, ids, ctx.user.username, note):
        audit.append(state.engine, ctx.user.username, "alert_ack", str(alert_id), {"bulk": True})
    return RedirectResponse(back if back.startswith("/alerts") else "/alerts", status_code=303)


@router.post("/alerts/{alert_id}/ack")
def alerts_ack(request: Request, alert_id: int, note: str = Form(""),
               ctx: Ctx = Depends(require("triage"))) -> Response:
    ack_alert(request, ctx, alert_id, note)
    return RedirectResponse("/alerts", status_code=303)
