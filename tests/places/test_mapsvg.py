"""The route map of PDF case reports: vendored outlines under the route, drawn without a browser."""

from __future__ import annotations

import re

from adtrace.places.mapsvg import route_svg


def test_route_svg_draws_outlines_and_the_route() -> None:
    stops = [{"city": "Miami", "lat": 25.77, "lon": -80.19}, {"city": "Tampa", "lat": 27.95, "lon": -82.46},
             {"city": "Orlando", "lat": 28.54, "lon": -81.38}]
    svg = route_svg(stops)
    assert svg.count("<path") > 3 and "<polyline" in svg and "3. Orlando" in svg
    assert route_svg([]).startswith("<svg")


def _boxes(svg: str) -> list[tuple[float, float, float, float]]:
    out = []
    for d in re.findall(r'<path d="M([^"]+)Z"/>', svg):
        pts = [tuple(map(float, p.split(","))) for p in d.split("L")]
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        out.append((min(xs), min(ys), max(xs), max(ys)))
    return out


def test_a_route_inside_one_state_still_has_that_state_drawn_around_it() -> None:
    # Austin -> San Antonio: no vertex of Texas (or of the US) lies near the route, which once left the map
    # empty (0 paths). The outline around the route must be drawn and must enclose its stops.
    stops = [{"city": "Austin", "lat": 30.27, "lon": -97.74}, {"city": "San Antonio", "lat": 29.42, "lon": -98.49}]
    svg = route_svg(stops)
    dots = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([-\d.]+)" cy="([-\d.]+)"', svg)]
    assert len(dots) == 2
    enclosing = [b for b in _boxes(svg) if all(b[0] <= x <= b[2] and b[1] <= y <= b[3] for x, y in dots)]
    assert enclosing, "no outline drawn around a route inside one state"
