"""The dashboard: what to do first, then volumes over time, risk levels and the newest high-risk ads.

"Start here" is live (never cached): escalations waiting for a senior look, watchlist hits to
acknowledge, the review queue's count, and the analyst's own open cases. The aggregates scan every
document, so they are cached for a minute per process: a dashboard is a glance, and a minute-old
count is fine.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from adtrace.app.auth import Ctx, can, require
from adtrace.app.data.dashboard import aggregates
from adtrace.app.data.lists import audit_list
from adtrace.app.pages.render import render
from adtrace.storage import casebook, corpus
from adtrace.storage.db import read

router = APIRouter()


def newest_high(engine: sa.Engine, limit: int = 10) -> list[Any]:
    with read(engine) as conn:
        return corpus.newest_at_level(conn, "high", limit)


def start_here(engine: sa.Engine, ctx: Ctx) -> dict[str, Any]:
    """What waits for this user, most urgent first (live counts)."""
    from adtrace.cases import alerts, escalated, waiting

    out: dict[str, Any] = {}
    with read(engine) as conn:
        if can(ctx, "triage"):
            out["waiting"] = waiting(conn)
            open_alerts = alerts.counts(engine, open_only=True)
            out["watch_hits"] = open_alerts.get("watchlist", 0)
            out["open_alerts"] = sum(open_alerts.values())
        if can(ctx, "cases"):
            out["escalated"] = escalated(conn, limit=0)[0]
            # My open cases: assigned to me, or opened by me and assigned to nobody.
            out["my_cases"] = casebook.open_cases_of(conn, ctx.user.username)
    return out


@router.get("/")
def dashboard(request: Request, ctx: Ctx = Depends(require("dashboard"))) -> Response:
    engine = request.app.state.adtrace.engine
    context: dict[str, Any] = {"agg": aggregates(engine), "newest": [], "todo": start_here(engine, ctx), "titles": {}}
    if can(ctx, "documents"):  # partners and auditors see counts, never a document
        context["newest"] = newest_high(engine)
    if can(ctx, "triage"):  # open alerts (adtrace.cases.alerts), newest first
        from adtrace.cases.alerts import list_alerts

        context["alerts"] = list_alerts(engine, open_only=True, limit=5, kind="hits")  # risk: the queue has them
        ids = [a.doc_id for a in context["alerts"] if a.doc_id]
        if ids:
            with read(engine) as conn:
                context["titles"] = corpus.titles(conn, ids)
    audit_list(request, ctx, "dashboard", [r["id"] for r in context["newest"]],
               alerts=[a.id for a in context.get("alerts") or []])
    return render(request, "dashboard.html", context)
