"""Watchlist entries, alert views and alert acknowledgements, each audited."""

from __future__ import annotations

from fastapi import Request

from adtrace.app.auth import Ctx
from adtrace.cases import alerts, watchlists
from adtrace.storage import audit


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
