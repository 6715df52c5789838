"""The route map of PDF case reports: vendored outlines under the route, drawn without a browser."""

from __future__ import annotations

import itertools
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


def _segments(svg: str) -> list[tuple[float, float, float, float]]:
    out = []
    for d in re.findall(r'<path d="M([^"]+)Z"/>', svg):
        pts = [tuple(map(float, p.split(","))) for p in d.split("L")]
        out += [(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(pts)]
    return out


def test_outlines_crossing_the_antimeridian_draw_no_line_across_the_map() -> None:
    # world-atlas stitches Russia (Chukotka, Wrangel Island) and Fiji across ±180: uncut, a ring stepped from
    # 178.6 to -180 and the PDF drew a line across the map (across Siberia; across Fiji's own map).
    for stops in ([{"city": "Suva", "lat": -18.14, "lon": 178.44}, {"city": "Labasa", "lat": -16.43, "lon": 179.36}],
                  [{"city": "Moscow", "lat": 55.75, "lon": 37.62}, {"city": "Vladivostok", "lat": 43.12, "lon": 131.89}]):
        svg = route_svg(stops)
        # The projection is linear in longitude: the two dots give pixels per degree.
        dots = [float(x) for x in re.findall(r'<circle cx="([-\d.]+)"', svg)]
        per_degree = (dots[1] - dots[0]) / (stops[1]["lon"] - stops[0]["lon"])
        wide = [s for s in _segments(svg) if abs(s[2] - s[0]) / per_degree > 180]
        assert not wide, (stops[0]["city"], len(wide), wide[:3])


def test_a_route_over_the_pacific_takes_the_short_way() -> None:
    # Tokyo -> Honolulu goes east over the Pacific, past 180: framed there (Tokyo left of Honolulu, not the
    # world across Asia and the Atlantic), with Japan and Hawaii (drawn a turn over) around their dots.
    svg = route_svg([{"city": "Tokyo", "lat": 35.69, "lon": 139.69}, {"city": "Honolulu", "lat": 21.31, "lon": -157.86}])
    dots = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([-\d.]+)" cy="([-\d.]+)"', svg)]
    assert len(dots) == 2 and dots[0][0] < dots[1][0], dots
    for x, y in dots:
        assert any(b[0] - 3 <= x <= b[2] + 3 and b[1] - 3 <= y <= b[3] + 3 for b in _boxes(svg)), (x, y)
