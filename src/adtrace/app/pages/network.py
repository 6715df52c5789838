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
from adtrace.storage import audit, clusterstore
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
def clusters_page(request: Request, min_docs: int = 2, ctx: Ctx = Depends(require("documents"))) -> Response:
    from adtrace.app.pages.render import render

    rows = list(link_store.summaries(request.app.state.adtrace.engine, max(2, min_docs), limit=200))
    rows.sort(key=lambda s: (-(s.get("risk_max") or 0), -s["documents"]))
    return render(request, "clusters.html", {"clusters": rows})


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
def map_page(request: Request, date_from: str | None = None, date_to: str | None = None, min_risk: float = 75.0,
             ctx: Ctx = Depends(require("documents"))) -> Response:
    from adtrace.app.pages.render import render

    data = map_data(request, date_from, date_to, min_risk)
    return render(request, "map.html", {"m": data, "page_data": data})
