"""Entity, cluster and map data: from one identifier or ad to the network, its movement and its reach."""

from __future__ import annotations

import itertools
import re
import time
import weakref
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import orjson
import sqlalchemy as sa
from fastapi import Request
from markupsafe import Markup, escape

from adtrace import errors
from adtrace.cases.cases import entity_ref
from adtrace.i18n import gettext
from adtrace.linking import store as link_store
from adtrace.places import movement as mv
from adtrace.scoring.network import network_score
from adtrace.storage import clusterstore, corpus, levels
from adtrace.storage.db import read

MAX_DOCS = 500  # an entity page lists at most this many documents (newest first)


MAX_WEEKS = 520  # ten years of weekly bars; older postings fall off the chart's left edge


def _rows(conn: sa.Connection, ids: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in corpus.listed(conn, ids):
        rec = orjson.loads(r["record"])
        place = mv.place_of(rec)
        out.append({"id": r["id"], "title": r["title"], "source": r["source"], "posted_at": r["posted_at"],
                    "location": r["location"], "risk_score": r["risk_score"], "risk_level": r["risk_level"],
                    "cluster": r["cluster_id"], "city": place.get("name") if place else None,
                    "lat": place.get("lat") if place else None, "lon": place.get("lon") if place else None,
                    "record": rec})
    out.sort(key=lambda d: (d["posted_at"] or "", d["id"]))
    return out


def _weeks(docs: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Postings per ISO week (Monday's date) from the first week to the last, empty weeks included,
    so the chart's axis is time: a gap in posting shows as a gap."""
    c: Counter[str] = Counter()
    for d in docs:
        t = mv.parse_time(d["posted_at"])
        if t:
            c[(t - timedelta(days=t.weekday())).date().isoformat()] += 1
    if not c:
        return []
    first, last = datetime.fromisoformat(min(c)).date(), datetime.fromisoformat(max(c)).date()
    span = (last - first).days // 7 + 1
    days = (first + timedelta(weeks=i) for i in range(max(0, span - MAX_WEEKS), span))  # the newest MAX_WEEKS
    return [(day.isoformat(), c.get(day.isoformat(), 0)) for day in days]


def not_found(what: str) -> errors.InputError:
    return errors.InputError(message=gettext("no %(what)s; it may have been purged, or not be linked yet") % {"what": what},
                             code=errors.NOT_FOUND, http_status=404,
                             web_hint=gettext("To link new ads: Import page, Link now"))


def entity_data(request: Request, kind: str, value: str) -> dict[str, Any]:
    state = request.app.state.adtrace
    ref = entity_ref(kind, value)
    norm = ref.partition(":")[2]
    ids = state.store.lookup(kind, norm)
    with read(state.engine) as conn:
        docs = _rows(conn, ids)
        total = len(docs)
        docs = docs[-MAX_DOCS:]
        # An ad that shares nothing with another is linked as a cluster of its own, which has no summary and
        # no page: it is "not linked to other ads", never a link to a 404.
        real = clusterstore.sizes(conn, sorted({d["cluster"] for d in docs if d["cluster"]}))
    alone = sum(1 for d in docs if d["cluster"] and d["cluster"] not in real)
    for d in docs:
        d["cluster"] = d["cluster"] if d["cluster"] in real else None
    clusters = Counter(d["cluster"] for d in docs if d["cluster"])
    points = [{"id": d["id"], "city": d["city"], "lat": d["lat"], "lon": d["lon"], "posted_at": d["posted_at"]}
              for d in docs if d["lat"] is not None]
    sightings = [s for d in docs if (s := mv.sighting(d["id"], d["posted_at"], d["record"]))]
    return {"kind": kind, "value": norm, "ref": ref, "total": total, "shown": len(docs),
            "documents": [{k: v for k, v in d.items() if k != "record"} for d in reversed(docs)],
            "weeks": _weeks(docs), "clusters": clusters.most_common(), "alone": alone, "points": points,
            "route": mv.movement(sightings)["stops"]}


def graph(summary: dict[str, Any], members: list[dict[str, Any]]) -> dict[str, Any]:
    """cytoscape elements: documents and shared keys as nodes, one edge per document holding a key."""
    nodes: list[dict[str, Any]] = [{"data": {"id": f"d:{m['id']}", "label": (m["title"] or m["id"])[:30],
                                             "type": "doc", "level": m["risk_level"] or "none"}} for m in members]
    known = {m["id"] for m in members}
    edges: list[dict[str, Any]] = []
    for e in summary.get("edges") or []:
        key_id = f"k:{e['key']}"
        nodes.append({"data": {"id": key_id, "label": e["key"][:28], "type": "key", "kind": e["kind"],
                               "hub": bool(e["hub"])}})
        for d in e["docs"]:
            if d in known:
                edges.append({"data": {"id": f"{key_id}|{d}", "source": f"d:{d}", "target": key_id,
                                       "label": (e.get("reasons") or {}).get(d, e["kind"])
                                       + (" (hub: not joining)" if e["hub"] else ""),
                                       "hub": bool(e["hub"])}})
    return {"nodes": nodes, "edges": edges}


_SLOT = re.compile(r"<[a-z]+>")


def template_view(members: list[dict[str, Any]], summary: dict[str, Any], store: Any) -> dict[str, Any] | None:
    """The founder text of the cluster's biggest template (else its first ad), with slots marked; and,
    for a template two or more ads share, its consensus: common wording, slots, each ad's slot values."""
    from adtrace.linking.consensus import summary_template
    from adtrace.linking.templates import mask

    def fetch(d: str) -> tuple[str, dict[str, Any]] | None:
        doc = store.get_document(d)
        return None if doc is None else (doc.full_text, store.get_record(d) or {})

    tpl = next((e for e in summary.get("edges") or [] if e["kind"] == "template" and not e["hub"]), None)
    doc_id = tpl.get("founder") if tpl else (members[0]["id"] if members else None)
    got = fetch(doc_id) if doc_id else None
    if got is None:
        return None
    masked = mask(*got, decode=True)  # scraped `&nbsp;` reads as a space, as on the ad's own page
    html = Markup("").join(Markup('<mark class="slot">{}</mark>').format(p) if _SLOT.fullmatch(p) else escape(p)
                           for p in re.split(r"(<[a-z]+>)", masked))
    out: dict[str, Any] = {"doc_id": doc_id, "template": tpl["key"] if tpl else None, "html": html}
    if tpl:
        out["consensus"] = summary_template(summary, fetch)
    return out


def cluster_data(request: Request, cluster_id: str) -> dict[str, Any]:
    state = request.app.state.adtrace
    summary = link_store.summary(state.engine, cluster_id)
    if summary is None:
        raise not_found(f"cluster {cluster_id!r}")
    with read(state.engine) as conn:
        ids = clusterstore.members(conn, summary["cluster"])
        members = _rows(conn, ids)
        minimums = levels.in_force(conn)
    stops = (summary.get("movement") or {}).get("stops") or []
    # The cluster's own level, shown apart from its highest ad score (adtrace.scoring.network).
    network = network_score(summary.get("cluster_indicators") or [], [m["record"] for m in members], minimums)
    return {"summary": summary, "members": [{k: v for k, v in m.items() if k != "record"} for m in members],
            "graph": graph(summary, members), "stops": stops, "weeks": _weeks(members),
            "template": template_view(members, summary, state.store), "network": network}


# The map aggregates every city mention in the period and every high-risk cluster's route, so results
# are kept per process for a minute, and dropped at once when documents or clusters change.
_MAP_TTL = 60.0


# Per engine object, weakly: an id() is reused once an engine is gone, and a copy of the same store
# can carry the same version stamp.
_map_cache: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], tuple[float, tuple[Any, ...], dict[str, Any]]]] = \
    weakref.WeakKeyDictionary()


def map_data(request: Request, date_from: str | None, date_to: str | None,
             min_risk: float | None = None) -> dict[str, Any]:
    """Documents per city in the period, and routes of clusters whose risk reaches `min_risk` (default:
    the `high` threshold in force, so "high-risk clusters" means what the admin's settings say)."""
    engine = request.app.state.adtrace.engine
    with read(engine) as conn:
        stamp = corpus.version(conn)
        if min_risk is None:
            min_risk = float(levels.in_force(conn)["high"])
    key = (date_from, date_to, min_risk)
    cached = _map_cache.setdefault(engine, {})
    hit = cached.get(key)
    if hit and hit[1] == stamp and time.monotonic() - hit[0] < _MAP_TTL:
        return hit[2]
    out = _map_data(engine, date_from, date_to, min_risk)
    if len(cached) > 64:
        cached.clear()
    cached[key] = (time.monotonic(), stamp, out)
    return out


def _map_data(engine: Any, date_from: str | None, date_to: str | None, min_risk: float) -> dict[str, Any]:
    if not date_to:
        with read(engine) as conn:
            date_to = (corpus.latest_posted(conn) or "")[:10] or \
                datetime.now(UTC).date().isoformat()
    if not date_from:
        date_from = (datetime.fromisoformat(date_to) - timedelta(days=90)).date().isoformat()
    cities: dict[str, dict[str, Any]] = {}
    with read(engine) as conn:
        rows = corpus.cities(conn, date_from, date_to)
        flows: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {"clusters": 0, "moves": 0})
        coords: dict[str, tuple[float, float]] = {}
        for summ in clusterstore.summaries_at_risk(conn, min_risk):
            stops = [s for s in (summ.get("movement") or {}).get("stops") or []
                     if date_from <= s["first_seen"][:10] <= date_to]
            seen = set()
            for a, b in itertools.pairwise(stops):
                coords[a["city"]], coords[b["city"]] = (a["lat"], a["lon"]), (b["lat"], b["lon"])
                flows[(a["city"], b["city"])]["moves"] += 1
                seen.add((a["city"], b["city"]))
            for k in seen:
                flows[k]["clusters"] += 1
    for city, n, high in rows:
        place = _geocode(city)
        if place:  # two spellings of one city (Montreal, Montréal) become one circle
            c = cities.setdefault(place[0], {"city": place[0], "lat": place[1], "lon": place[2], "documents": 0,
                                             "high": 0})
            c["documents"] += n
            c["high"] += high
    return {"date_from": date_from, "date_to": date_to, "min_risk": min_risk,
            "cities": sorted(cities.values(), key=lambda c: -c["documents"]),
            "flows": [{"from": a, "to": b, "from_ll": coords[a], "to_ll": coords[b], **v}
                      for (a, b), v in sorted(flows.items(), key=lambda kv: -kv[1]["moves"])]}


@cache
def _geocode(value: str) -> tuple[str, float, float] | None:
    """The entity index keeps a city's normalised name; the gazetteer gives back its name and coordinates."""
    from adtrace.places.gazetteer import lookup

    hit = lookup(value, kind="city")
    return (f"{hit.name}, {hit.admin or hit.country}", hit.lat, hit.lon) if hit else None
