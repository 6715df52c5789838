"""Search with facets: storage's search API behind a form; facet values are one-click filters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from adtrace.app import audit
from adtrace.app.auth import Ctx, require
from adtrace.app.pages.render import render
from adtrace.storage import Query
from adtrace.storage.base import FACETS
from adtrace.storage.search import COUNT_CAP, FACET_CAP

router = APIRouter()
FILTERS = ("phone", "email", "handle", "payment", "city", "source", "kind", "risk_level", "indicator",
           "date_from", "date_to")
PAGE = 20


def query_from(params: dict[str, str], facets: tuple[str, ...] = FACETS, limit: int = PAGE) -> Query:
    page = max(1, int(params["page"])) if params.get("page", "").isdigit() else 1
    # Interactive pages cap counting: "10,000+" documents, facets over the newest 5,000 (labelled).
    return Query(text=params.get("q", ""), facets=facets, limit=limit, offset=(page - 1) * limit,
                 count_cap=COUNT_CAP, facet_cap=FACET_CAP, **{k: params[k] for k in FILTERS if params.get(k)})


def run_search(request: Request, ctx: Ctx, params: dict[str, str], facets: tuple[str, ...] = FACETS,
               limit: int = PAGE) -> Any:
    q = query_from(params, facets, limit)
    state = request.app.state.adtrace
    result = state.store.search(q)
    audit.append(state.engine, ctx.user.username, "search", "",
                 {"q": q.text, **{k: params[k] for k in FILTERS if params.get(k)}, "total": result.total})
    return q, result


@router.get("/search")
def search_page(request: Request, ctx: Ctx = Depends(require("documents"))) -> Response:
    params = {k: v for k, v in request.query_params.items() if v}
    active = {k: params[k] for k in FILTERS if k in params}
    if not params.get("q") and not active:
        return render(request, "search.html", {"params": params, "result": None, "active": {}})
    q, result = run_search(request, ctx, params)

    def link(**change: str | None) -> str:
        merged = {**params, **change}
        merged.pop("page", None)
        return "/search?" + urlencode({k: v for k, v in merged.items() if v})

    page = q.offset // PAGE + 1
    pages = {"prev": f"{link()}&page={page - 1}" if page > 1 else None,
             "next": f"{link()}&page={page + 1}" if q.offset + PAGE < result.total else None}
    template = "_results.html" if request.headers.get("hx-request") else "search.html"
    return render(request, template, {"params": params, "result": result, "active": active, "link": link,
                                      "page": page, "pages": pages,
                                      "facet_param": {"risk_level": "risk_level", "city": "city"}})
