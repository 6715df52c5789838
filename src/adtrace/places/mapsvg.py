"""A route drawn as an inline SVG over the vendored state and country outlines (for PDF reports).

The browser draws maps with Leaflet; a PDF cannot run scripts, so the same vendored TopoJSON outlines
the app serves at /static/geo (us-atlas states, world-atlas countries, in places/outlines) are decoded
here and projected equirectangularly around the route (longitude scaled by the cosine of the middle
latitude). Nothing is fetched. Each leg takes the short way round and the outlines run on past ±180
(places.antimeridian): a route from Tokyo to Honolulu is framed over the Pacific with the outlines of the
other side drawn a turn over, and Russia's or Fiji's rings no longer draw lines across the map.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import resources
from typing import Any

import orjson
from markupsafe import escape

from adtrace.places.antimeridian import unwrap, whole

Ring = list[tuple[float, float]]
OUTLINES = ("us-states-10m.json", "world-countries-110m.json")
# The browser's map colours (the app's investigate.css, --map-*: each mark 3:1 beside land and sea, WCAG 1.4.11);
# a PDF has no style sheet, so they are repeated here and a test keeps the two the same.
COLOURS = {"sea": "#eef3f7", "land": "#fafafa", "outline": "#828d98", "line": "#b3261e", "line-opacity": ".7"}


@cache
def _topology(name: str) -> dict[str, Any]:
    raw = resources.files("adtrace.places").joinpath("outlines", name).read_bytes()
    data: dict[str, Any] = orjson.loads(raw)
    return data


@cache
def _arcs(name: str) -> list[Ring]:
    topo = _topology(name)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        ring = []
        for dx, dy in arc:  # quantized, delta-encoded positions
            x, y = x + dx, y + dy
            ring.append((x * sx + tx, y * sy + ty))
        out.append(ring)
    return out


def _ring(arcs: list[Ring], idx: Sequence[int]) -> Ring:
    pts: Ring = []
    for i in idx:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(arc[1:] if pts else arc)
    return pts


def rings(name: str) -> Iterator[Ring]:
    """Every polygon ring of every shape in a vendored outline file, in one piece across the antimeridian."""
    topo, arcs = _topology(name), _arcs(name)
    for obj in topo["objects"].values():
        for geom in obj.get("geometries", []):
            polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"] if geom["type"] == "MultiPolygon" else []
            for poly in polys:
                for r in poly:
                    yield whole(_ring(arcs, r))


@cache
def _boxed(name: str) -> list[tuple[Ring, tuple[float, float, float, float]]]:
    """rings(name), each with its box (west, east, south, north)."""
    out = []
    for ring in rings(name):
        xs, ys = [x for x, _ in ring], [y for _, y in ring]
        out.append((ring, (min(xs), max(xs), min(ys), max(ys))))
    return out


def route_svg(stops: Sequence[dict[str, Any]], width: int = 640, height: int = 400) -> str:
    """An SVG of the stops (dicts with lat, lon, city) joined in order, numbered, over the outlines."""
    located = [s for s in stops if s.get("lat") is not None]
    pts = unwrap([(float(s["lon"]), float(s["lat"])) for s in located])  # the short way: lon may pass ±180
    if not pts:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'
    lo_x, hi_x = min(p[0] for p in pts), max(p[0] for p in pts)
    lo_y, hi_y = min(p[1] for p in pts), max(p[1] for p in pts)
    pad = max(hi_x - lo_x, hi_y - lo_y, 4.0) * 0.25
    lo_x, hi_x, lo_y, hi_y = lo_x - pad, hi_x + pad, lo_y - pad, hi_y + pad
    kx = math.cos(math.radians((lo_y + hi_y) / 2))
    span_x, span_y = (hi_x - lo_x) * kx, hi_y - lo_y
    scale = min(width / span_x, height / span_y)
    off_x, off_y = (width - span_x * scale) / 2, (height - span_y * scale) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return off_x + (lon - lo_x) * kx * scale, height - off_y - (lat - lo_y) * scale

    paths = []
    turns = [360.0 * t for t in range(math.floor((lo_x - 180) / 360), math.ceil((hi_x + 180) / 360) + 1)]
    for name in OUTLINES:
        for ring, (west, east, south, north) in _boxed(name):
            # Outlines whose bounding box misses the view are left out to keep the PDF small. A box test, not
            # "has a vertex in view": a route inside one state sees none of that state's vertices. A view past
            # ±180 (a route over the Pacific) shows the outlines of the other side a turn over.
            for turn in turns:
                if east + turn < lo_x or west + turn > hi_x or north < lo_y or south > hi_y:
                    continue
                d = "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in (xy(x + turn, y) for x, y in ring)) + "Z"
                paths.append(f'<path d="{d}"/>')
    line = " ".join(f"{a:.1f},{b:.1f}" for a, b in (xy(x, y) for x, y in pts))
    # A city revisited gets one label ("1, 5. X"), where the route first reaches it.
    visits: dict[tuple[float, float], tuple[str, tuple[float, float], list[int]]] = {}
    k = 0  # the stop's place in pts (stops without coordinates are numbered, not drawn)
    for n, s in enumerate(stops, 1):
        if s.get("lat") is not None:
            visits.setdefault((float(s["lon"]), float(s["lat"])), (str(s.get("city", "")), pts[k], []))[2].append(n)
            k += 1
    dots = []
    for city, (lon, lat), order in visits.values():
        a, b = xy(lon, lat)
        dots.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="4"/><text x="{a + 6:.1f}" y="{b - 4:.1f}">'
                    f'{", ".join(map(str, order))}. {escape(city)}</text>')
    c = COLOURS
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" class="route-map"><rect width="{width}" height="{height}" fill="{c["sea"]}"/>'
            f'<g fill="{c["land"]}" stroke="{c["outline"]}" stroke-width="1">{"".join(paths)}</g>'
            f'<polyline points="{line}" fill="none" stroke="{c["line"]}" stroke-width="2" '
            f'stroke-opacity="{c["line-opacity"]}"/>'
            f'<g fill="{c["line"]}" font-size="10" font-family="sans-serif">{"".join(dots)}</g></svg>')
