"""A search from request parameters, audited."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from adtrace.app.auth import Ctx
from adtrace.storage import Query, audit
from adtrace.storage.base import FACETS, SORTS
from adtrace.storage.search import COUNT_CAP, FACET_CAP

FILTERS = ("phone", "email", "handle", "payment", "city", "state", "phone_area", "source", "kind", "risk_level",
           "indicator", "date_from", "date_to")


PAGE = 20


def query_from(params: dict[str, str], facets: tuple[str, ...] = FACETS, limit: int = PAGE) -> Query:
    page = max(1, int(params["page"])) if params.get("page", "").isdigit() else 1
    # Interactive pages cap counting: "10,000+" documents, facets over the newest 5,000 (labelled).
    sort = params.get("sort", "relevance")
    return Query(text=params.get("q", ""), facets=facets, limit=limit, offset=(page - 1) * limit,
                 sort=sort if sort in SORTS else "relevance",
                 count_cap=COUNT_CAP, facet_cap=FACET_CAP, **{k: params[k] for k in FILTERS if params.get(k)})


def run_search(request: Request, ctx: Ctx, params: dict[str, str], facets: tuple[str, ...] = FACETS,
               limit: int = PAGE) -> Any:
    q = query_from(params, facets, limit)
    state = request.app.state.adtrace
    result = state.store.search(q)
    audit.append(state.engine, ctx.user.username, "search", "",
                 {"q": q.text, **{k: params[k] for k in FILTERS if params.get(k)}, "total": result.total})
    return q, result
