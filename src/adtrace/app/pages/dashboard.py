"""The dashboard: volumes over time, risk levels, and the newest high-risk documents.

The aggregates scan every document, so they are cached for a minute per process: a dashboard is a
glance, and a minute-old count is fine. Alerts join this page when they exist (cases, part 2).
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
from adtrace.app.db import read
from adtrace.app.pages.render import render

router = APIRouter()
TTL = 60.0
_cache: dict[int, tuple[float, dict[str, Any]]] = {}


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
        decided = int(conn.execute(text("SELECT count(DISTINCT doc_id) FROM review_decisions")).scalar() or 0)
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


@router.get("/")
def dashboard(request: Request, ctx: Ctx = Depends(require("dashboard"))) -> Response:
    engine = request.app.state.adtrace.engine
    context: dict[str, Any] = {"agg": aggregates(engine), "newest": []}
    if can(ctx, "documents"):  # partners and auditors see counts, never a document
        context["newest"] = newest_high(engine)
    if can(ctx, "triage"):  # open alerts (adtrace.cases.alerts), newest first
        from adtrace.cases.alerts import list_alerts

        context["alerts"] = list_alerts(engine, open_only=True, limit=5)
    return render(request, "dashboard.html", context)
