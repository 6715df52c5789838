"""The dashboard: what to do first, then volumes over time, risk levels and the newest high-risk ads.

"Start here" is live (never cached): escalations waiting for a senior look, watchlist hits to
acknowledge, the review queue's count, and the analyst's own open cases. The aggregates scan every
document, so they are cached for a minute per process: a dashboard is a glance, and a minute-old
count is fine.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import text

from adtrace.app.auth import Ctx, can, require
from adtrace.app.pages.render import render
from adtrace.storage.db import read

router = APIRouter()
TTL = 60.0
_cache: dict[int, tuple[float, dict[str, Any]]] = {}


def forget(engine: sa.Engine) -> None:
    """Drop this process's cached aggregates (after a change that moves them, e.g. new thresholds)."""
    _cache.pop(id(engine), None)


def _volumes(days: Counter[str], max_bars: int = 40) -> tuple[str, list[tuple[str, int]]]:
    """Bars by day, week or month, whichever fits in max_bars."""
    if not days:
        return "day", []
    keys: tuple[tuple[str, Callable[[str], str]], ...] = (("day", lambda d: d), ("month", lambda d: d[:7]),
                                                        ("year", lambda d: d[:4]))
    for unit, key in keys:
        buckets: Counter[str] = Counter()
        for d, n in days.items():
            buckets[key(d)] += n
        if len(buckets) <= max_bars or unit == "year":
            return unit, sorted(buckets.items())
    raise AssertionError("unreachable")


def aggregates(engine: sa.Engine) -> dict[str, Any]:
    hit = _cache.get(id(engine))
    if hit and time.monotonic() - hit[0] < TTL:
        return hit[1]
    with read(engine) as conn:
        days = Counter({str(r.d): int(r.n) for r in conn.execute(text(
            "SELECT substr(posted_at, 1, 10) AS d, count(*) AS n FROM documents WHERE posted_at IS NOT NULL "
            "GROUP BY substr(posted_at, 1, 10)"))})
        levels = {str(r.risk_level): int(r.n) for r in conn.execute(text(
            "SELECT risk_level, count(*) AS n FROM records WHERE risk_level IS NOT NULL GROUP BY risk_level"))}
        total = int(conn.execute(text("SELECT count(*) FROM documents")).scalar() or 0)
        # Reviewed: the newest decision counts, and an undone one ("withdrawn") is no review.
        decided = int(conn.execute(text(
            "SELECT count(*) FROM review_decisions x WHERE x.decision <> 'withdrawn' AND x.id = "
            "(SELECT max(y.id) FROM review_decisions y WHERE y.doc_id = x.doc_id)")).scalar() or 0)
    unit, bars = _volumes(days)
    out = {"total": total, "levels": levels, "unit": unit, "bars": bars, "peak": max((n for _, n in bars), default=0),
           "decided": decided}
    _cache[id(engine)] = (time.monotonic(), out)
    return out


def newest_high(engine: sa.Engine, limit: int = 10) -> list[Any]:
    with read(engine) as conn:
        return list(conn.execute(text(
            "SELECT d.id, d.title, d.source, d.posted_at, d.location, r.risk_score FROM documents d "
            "JOIN records r ON r.doc_id = d.id WHERE r.risk_level = 'high' "
            "ORDER BY d.posted_at DESC NULLS LAST, d.id LIMIT :n"), {"n": limit}))


def start_here(engine: sa.Engine, ctx: Ctx) -> dict[str, Any]:
    """What waits for this user, most urgent first (live counts)."""
    from adtrace.cases import escalated, waiting

    out: dict[str, Any] = {}
    with read(engine) as conn:
        if can(ctx, "triage"):
            out["waiting"] = waiting(conn)
            out["watch_hits"] = int(conn.execute(text(
                "SELECT count(*) FROM alerts WHERE acked_at IS NULL AND kind = 'watchlist'")).scalar() or 0)
            out["open_alerts"] = int(conn.execute(text(
                "SELECT count(*) FROM alerts WHERE acked_at IS NULL")).scalar() or 0)
        if can(ctx, "cases"):
            out["escalated"] = escalated(conn, limit=0)[0]
            # My open cases: assigned to me, or opened by me and assigned to nobody.
            out["my_cases"] = list(conn.execute(text(
                "SELECT c.id, c.title, c.updated_at, count(i.ref) AS n FROM cases c "
                "LEFT JOIN case_items i ON i.case_id = c.id WHERE c.status = 'open' AND (c.assignee = :me OR "
                "((c.assignee IS NULL OR c.assignee = '') AND c.created_by = :me)) "
                "GROUP BY c.id, c.title, c.updated_at ORDER BY c.updated_at DESC LIMIT 10"), {"me": ctx.user.username}))
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
            stmt = text("SELECT id, title FROM documents WHERE id IN :ids").bindparams(sa.bindparam("ids", expanding=True))
            with read(engine) as conn:
                context["titles"] = {str(i): t for i, t in conn.execute(stmt, {"ids": ids})}
    return render(request, "dashboard.html", context)
