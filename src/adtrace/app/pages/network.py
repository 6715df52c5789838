"""Entity, cluster and map pages: from one identifier or ad to the network, its movement and its reach.

Each page's data comes from adtrace.app.data.network (`entity_data`, `cluster_data`, `map_data`), which the
JSON API returns too; the browser draws graphs (cytoscape.js) and maps (Leaflet over vendored outlines,
no tiles) from a JSON block in the page. Every view of an entity or cluster is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from adtrace.app.auth import Ctx, require
from adtrace.app.data.network import cluster_data, entity_data, map_data, not_found
from adtrace.cases.cases import ENTITY_KINDS
from adtrace.linking import store as link_store
from adtrace.scoring.rules import level_of
from adtrace.storage import audit, clusterstore, levels
from adtrace.storage.db import read

router = APIRouter()


@router.get("/entities/{kind}/{value}")
def entity_page(request: Request, kind: str, value: str, searched: str = "",
                ctx: Ctx = Depends(require("documents"))) -> Response:
    from adtrace.app.pages.render import render

    if kind not in ENTITY_KINDS:
        raise not_found(f"entity kind {kind!r} (use phone, email or handle)")
    data = entity_data(request, kind, value)
    audit.append(request.app.state.adtrace.engine, ctx.user.username, "view_entity", data["ref"],
                 {"documents": data["total"]})
    from adtrace.app.pages.cases import open_cases

    return render(request, "entity.html", {"e": data, "searched": searched[:200], "cases": open_cases(request, ctx),
                                           "page_data": {"points": data["points"], "route": data["route"]}})


@router.get("/clusters")
def clusters_page(request: Request, min_docs: int = 2, order: str = "network",
                  ctx: Ctx = Depends(require("documents"))) -> Response:
    from adtrace.app.pages.render import render

    engine = request.app.state.adtrace.engine
    order = order if order in clusterstore.ORDERS else "network"
    min_docs = max(2, min_docs)
    # The store orders every cluster and keeps the first 200 (not the 200 largest, re-sorted).
    rows = list(link_store.summaries(engine, min_docs, limit=200, order=order))
    with read(engine) as conn:
        minimums = levels.in_force(conn)
    for r in rows:
        r["network_level"] = level_of(r["network_score"], minimums) if r.get("network_score") is not None else None
        r["ad_level"] = level_of(r["risk_max"], minimums) if r.get("risk_max") is not None else None
    return render(request, "clusters.html", {"clusters": rows, "order": order, "min_docs": min_docs,
                                             "unscored": sum(r.get("network_score") is None for r in rows)})


@router.get("/clusters/{cluster_id}")
def cluster_page(request: Request, cluster_id: str, ctx: Ctx = Depends(require("documents"))) -> Response:
    from adtrace.app.pages.render import render
    from adtrace.cases import cases as cs

    data = cluster_data(request, cluster_id)
    cid = data["summary"]["cluster"]
    audit.append(request.app.state.adtrace.engine, ctx.user.username, "view_cluster", cid,
                 {"documents": data["summary"]["documents"]})
    open_cases = cs.list_cases(request.app.state.adtrace.engine, "open")
    from adtrace.places.hotlines import hotline_for_documents

    with read(request.app.state.adtrace.engine) as conn:  # the hotline of the country most members point to
        members = clusterstore.members(conn, cid, limit=50)
    return render(request, "cluster.html", {"c": data, "s": data["summary"], "cases": open_cases,
                                            "page_data": {"graph": data["graph"], "stops": data["stops"]},
                                            "hotline": hotline_for_documents(request.app.state.adtrace.store, members)})


@router.get("/map")
def map_page(request: Request, date_from: str | None = None, date_to: str | None = None,
             min_risk: float | None = None,
             ctx: Ctx = Depends(require("documents"))) -> Response:
    from adtrace.app.pages.render import render

    data = map_data(request, date_from, date_to, min_risk)
    return render(request, "map.html", {"m": data, "page_data": data})
